import type { Page, Request, Response } from "playwright";
import { abortReason, silentLogger, type Logger } from "@producer/utils";
import { throwIfClosed } from "./page-watch.js";
import type { Site } from "./site.js";

// The in-page functions below run in the browser, where `document` exists.
declare const document: { cookie: string };

/** One song as the page's own `/__api/clips` traffic describes it. */
export interface ClipState {
  id: string;
  title: string;
  opId: string | undefined;
  opType: string | undefined;
  /** `audio_url` set and `duration.status` completed. */
  done: boolean;
  /** Settled without audio. */
  failed: boolean;
  audioUrl: string | undefined;
  wavUrl: string | undefined;
  durationSecs: number | undefined;
  soundPrompt: string | undefined;
  seed: number | undefined;
  model: string | undefined;
  bpm: number | undefined;
  parentClipId: string | undefined;
  createdAt: number | undefined;
}

export interface OperationState {
  opId: string;
  jobId: string | undefined;
  opType: string | undefined;
  status: string;
  clipIds: string[];
  errorType: string | undefined;
  errorMessage: string | undefined;
}

/** A generation call the page made and what the site answered. */
export interface GenerationCall {
  kind: "compose" | "chat";
  /** What the page sent. */
  body: Record<string, unknown>;
  /** Undefined until the answer arrives. */
  status: number | undefined;
  jobId: string | undefined;
  /** The request never reached the site (a network failure in the browser). */
  failed: string | undefined;
}

type RawClip = Record<string, unknown> & {
  id?: string;
  title?: string;
  op_id?: string;
  op_type?: string;
  audio_url?: string | null;
  wav_url?: string | null;
  created_at?: string;
  duration?: { status?: string; value?: string | null };
  operation?: { sound_prompt?: string; seed?: number; model?: string; bpm?: number | null; parent_clip_id?: string | null };
};

const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
const num = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

export function parseClip(raw: RawClip): ClipState | undefined {
  if (!raw?.id) return undefined;
  const durationStatus = raw.duration?.status;
  const audioUrl = text(raw.audio_url);
  const seconds = Number(raw.duration?.value);
  return {
    id: raw.id,
    title: text(raw.title) ?? "",
    opId: text(raw.op_id),
    opType: text(raw.op_type),
    done: audioUrl !== undefined && durationStatus === "completed",
    failed: durationStatus === "failed" || (durationStatus === "completed" && audioUrl === undefined),
    audioUrl,
    wavUrl: text(raw.wav_url),
    durationSecs: Number.isFinite(seconds) && seconds > 0 ? seconds : undefined,
    soundPrompt: text(raw.operation?.sound_prompt),
    seed: num(raw.operation?.seed),
    model: text(raw.operation?.model),
    bpm: num(raw.operation?.bpm ?? undefined),
    parentClipId: text(raw.operation?.parent_clip_id ?? undefined),
    createdAt: raw.created_at ? Date.parse(raw.created_at) : undefined,
  };
}

/**
 * Listens to the page's own `/__api/*` responses — the truth about results — and keeps what they say: the
 * credit balance, each generation call and its answer, each operation's status (with `error_type`), and each
 * clip. Nothing is requested from outside the page: when the page itself does not ask, `fetchJson` runs a
 * `fetch` inside it. Streams are never read (the message stream may never end).
 */
export class PageTraffic {
  credits: number | undefined;
  readonly calls: GenerationCall[] = [];
  readonly operations = new Map<string, OperationState>();
  readonly clips = new Map<string, ClipState>();
  private readonly listeners = new Set<() => void>();
  private readonly pending = new Set<Promise<void>>();
  private readonly onResponse = (response: Response) => this.track(this.read(response));
  private readonly onRequest = (request: Request) => this.sent(request);
  private readonly onRequestFailed = (request: Request) => this.requestFailed(request);
  /** A closed page ends every wait at once. */
  private readonly onClose = () => this.changed();
  private readonly logger: Logger;

  constructor(
    private readonly page: Page,
    private readonly site: Site,
    logger?: Logger,
  ) {
    this.logger = logger ?? silentLogger;
    page.on("response", this.onResponse);
    page.on("request", this.onRequest);
    page.on("requestfailed", this.onRequestFailed);
    page.on("close", this.onClose);
  }

  detach(): void {
    this.page.off("response", this.onResponse);
    this.page.off("request", this.onRequest);
    this.page.off("requestfailed", this.onRequestFailed);
    this.page.off("close", this.onClose);
    this.listeners.clear();
  }

  /** Runs a `fetch` inside the page (same origin, the page's cookies and Bearer token); the answer is tracked too. */
  async fetchJson(apiKey: string, init: { method?: string; body?: unknown; suffix?: string } = {}): Promise<unknown> {
    const apiPath = this.api(apiKey);
    if (!apiPath) return undefined;
    const url = `${apiPath}${init.suffix ?? ""}`;
    return this.page.evaluate(
      async ({ url, method, body }) => {
        const jar = Object.fromEntries(
          document.cookie
            .split("; ")
            .filter(Boolean)
            .map((pair: string) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]),
        );
        const base = Object.keys(jar)
          .map((name) => /^(sb-.+-auth-token)(\.\d+)?$/.exec(name)?.[1])
          .find(Boolean);
        let token = "";
        if (base) {
          let value = jar[base] ?? "";
          for (let index = 0; jar[`${base}.${index}`] !== undefined; index += 1) value += jar[`${base}.${index}`];
          if (value.startsWith("base64-")) {
            const b64 = value.slice(7).replace(/-/g, "+").replace(/_/g, "/");
            const bytes = Uint8Array.from(atob(b64 + "===".slice((b64.length + 3) % 4)), (ch) => ch.charCodeAt(0));
            try {
              token = (JSON.parse(new TextDecoder().decode(bytes)) as { access_token?: string }).access_token ?? "";
            } catch {
              token = "";
            }
          }
        }
        const response = await fetch(url, {
          method,
          credentials: "include",
          headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        return { status: response.status, json: (await response.json().catch(() => null)) as unknown };
      },
      { url, method: init.method ?? "GET", body: init.body },
    );
  }

  /** Resolves when `check` returns a value (checked on every tracked response and every `pollMs`), or undefined at the deadline. */
  async waitFor<T>(
    check: () => T | undefined,
    options: { timeoutMs: number; signal?: AbortSignal; pollMs?: number; onPoll?: () => Promise<unknown> },
  ): Promise<T | undefined> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const found = check();
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      if (options.signal?.aborted) throw abortReason(options.signal);
      throwIfClosed(this.page);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.listeners.delete(done);
          options.signal?.removeEventListener("abort", done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(left, options.pollMs ?? 250));
        this.listeners.add(done);
        options.signal?.addEventListener("abort", done, { once: true });
      });
      if (options.onPoll) await options.onPoll().catch(() => undefined);
    }
  }

  /** Waits until every response already seen has been read. */
  async settle(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private api(key: string): string | undefined {
    return this.site.api[key];
  }

  private matches(key: string, url: URL): boolean {
    const apiPath = this.api(key);
    if (!apiPath) return false;
    const bare = apiPath.split("?")[0] as string;
    return bare.endsWith("/") ? url.pathname.startsWith(bare) : url.pathname === bare;
  }

  private callKind(request: Request): GenerationCall["kind"] | undefined {
    if (request.method() !== "POST") return undefined;
    const url = new URL(request.url());
    if (this.matches("compose", url)) {
      const body = request.postDataJSON() as { tool?: string } | null;
      return body?.tool === "split_stems" ? undefined : "compose";
    }
    return this.matches("chat", url) ? "chat" : undefined;
  }

  private sent(request: Request): void {
    const kind = this.callKind(request);
    if (!kind) return;
    this.calls.push({ kind, body: (request.postDataJSON() as Record<string, unknown>) ?? {}, status: undefined, jobId: undefined, failed: undefined });
    this.changed();
  }

  private requestFailed(request: Request): void {
    if (!this.callKind(request)) return;
    const call = this.calls.findLast((candidate) => candidate.status === undefined && candidate.failed === undefined);
    if (call) call.failed = request.failure()?.errorText ?? "failed";
    this.changed();
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => {
      this.pending.delete(work);
      this.changed();
    });
  }

  private async read(response: Response): Promise<void> {
    let url: URL;
    try {
      url = new URL(response.url());
    } catch {
      return;
    }
    if (!url.pathname.includes("/")) return;
    const request = response.request();
    const kind = this.callKind(request);
    const known =
      kind !== undefined ||
      this.matches("credits", url) ||
      this.matches("status", url) ||
      this.matches("clips", url) ||
      this.matches("recentClips", url) ||
      this.matches("compose", url);
    if (!known) return;
    const json = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (kind) {
      const call = this.calls.findLast((candidate) => candidate.kind === kind && candidate.status === undefined) ?? {
        kind,
        body: {},
        status: undefined,
        jobId: undefined,
        failed: undefined,
      };
      if (!this.calls.includes(call)) this.calls.push(call);
      call.status = response.status();
      call.jobId = text(json?.job_id);
      return;
    }
    if (!json) return;
    if (this.matches("credits", url)) {
      const data = (json.data ?? json) as Record<string, unknown>;
      const credits = num(data.credits_remaining);
      if (credits !== undefined) this.credits = credits;
    } else if (this.matches("status", url)) {
      const opId = text(json.op_id) ?? url.pathname.split("/").pop();
      if (!opId) return;
      this.operations.set(opId, {
        opId,
        jobId: text(json.job_id),
        opType: text(json.op_type),
        status: text(json.status) ?? "unknown",
        clipIds: Array.isArray(json.clip_ids) ? json.clip_ids.map(String) : [],
        errorType: text(json.error_type),
        errorMessage: text(json.error_message),
      });
    } else if (this.matches("recentClips", url)) {
      for (const raw of (Array.isArray(json.data) ? json.data : []) as RawClip[]) this.keepClip(raw);
    } else if (this.matches("clips", url)) {
      const clips = (json.clips ?? {}) as Record<string, RawClip>;
      for (const raw of Object.values(clips)) this.keepClip(raw);
    }
  }

  private keepClip(raw: RawClip): void {
    const clip = parseClip(raw);
    if (clip) this.clips.set(clip.id, clip);
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
    this.logger.trace({ clips: this.clips.size, operations: this.operations.size }, "page traffic");
  }
}
