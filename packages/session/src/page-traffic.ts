import type { Page, Request, Response } from "playwright";
import { abortReason, silentLogger, type Logger } from "@producer/utils";
import {
  closeInPageStream,
  inPageJson,
  inPageStream,
  preparePage,
  releasePage,
  type InPageAnswer,
  type StreamEventHandler,
} from "./page-helpers.js";
import { throwIfClosed } from "./page-watch.js";
import {
  clipsOf,
  num,
  parseStatus,
  parseStreamError,
  parseToolReturn,
  partsOf,
  text,
  type ClipState,
  type OperationState,
  type StreamError,
  type ToolReturn,
} from "./site-answers.js";
import type { Site } from "./site.js";
import { matchesApiPath, requestBody } from "./api-paths.js";
import { shapeDriftOf, type ShapeDriftRecorder } from "./shape-drift.js";

export type { ClipState, OperationState, ToolReturn } from "./site-answers.js";

/** A generation call the page made (or a split-stems call) and what the site answered. */
export interface GenerationCall {
  /** `tool`: any other tool call (a song operation sent from inside the page). */
  kind: "compose" | "chat" | "stems" | "tool";
  /** What the page sent. */
  body: Record<string, unknown>;
  /** Undefined until the answer arrives. */
  status: number | undefined;
  jobId: string | undefined;
  /** Seconds the site asked to wait (`retry-after` of a 429). */
  retryAfterSecs: number | undefined;
  /** The request failed in the browser (its network error text). */
  failed: string | undefined;
}

/** One message stream as read inside the page, event by event. */
export interface StreamState {
  jobId: string;
  toolReturns: ToolReturn[];
  error: StreamError | undefined;
  /** The stream ended (or failed, or answered an HTTP error): nothing more will come on it. */
  ended: boolean;
  failure: string | undefined;
  events: number;
}

/**
 * Listens to the page's own `/__api/*` traffic — the truth about results — and keeps what it says: the credit
 * balance, each generation call and its answer, each operation's status, each clip; and reads the message
 * streams of the generations it follows inside the page, as their events arrive (a stream may never end).
 * Nothing is requested from outside the page: `fetchJson` runs a `fetch` inside it.
 */
export class PageTraffic {
  credits: number | undefined;
  readonly calls: GenerationCall[] = [];
  readonly operations = new Map<string, OperationState>();
  readonly clips = new Map<string, ClipState>();
  readonly streams = new Map<string, StreamState>();
  /** Conversations made on this page (by the page itself, or from inside it), oldest first. */
  readonly conversationsMade: string[] = [];
  /** The Bearer token of the page's latest API call. */
  private bearer = "";
  private readonly listeners = new Set<() => void>();
  private readonly pending = new Set<Promise<void>>();
  private readonly onResponse = (response: Response) => {
    this.track(this.read(response));
    this.track(this.drift.response(response));
  };
  private readonly onRequest = (request: Request) => this.sent(request);
  private readonly onRequestFailed = (request: Request) => this.requestFailed(request);
  /** A closed page ends every wait at once. */
  private readonly onClose = () => this.changed();
  private readonly onStreamEvent: StreamEventHandler = (key, event, data) => this.streamEvent(key, event, data);
  private readonly logger: Logger;
  /** Checks every answer against the profile's shapes (the page's own calls and the in-page ones alike). */
  private readonly drift: ShapeDriftRecorder;

  constructor(
    private readonly page: Page,
    private readonly site: Site,
    logger?: Logger,
  ) {
    this.logger = logger ?? silentLogger;
    this.drift = shapeDriftOf(site, this.logger);
    page.on("response", this.onResponse);
    page.on("request", this.onRequest);
    page.on("requestfailed", this.onRequestFailed);
    page.on("close", this.onClose);
  }

  /** Installs the in-page helpers and routes stream events here (before any in-page call). */
  async prepare(): Promise<void> {
    await preparePage(this.page, this.onStreamEvent);
  }

  detach(): void {
    this.page.off("response", this.onResponse);
    this.page.off("request", this.onRequest);
    this.page.off("requestfailed", this.onRequestFailed);
    this.page.off("close", this.onClose);
    releasePage(this.page, this.onStreamEvent);
    for (const jobId of this.streams.keys()) void closeInPageStream(this.page, jobId);
    this.listeners.clear();
  }

  /** The profile's API path `key` with `{name}` placeholders filled (URL-encoded). */
  apiUrl(key: string, vars: Record<string, string> = {}): string | undefined {
    const template = this.site.api[key];
    return template?.replace(/\{(\w+)\}/g, (whole, name: string) =>
      vars[name] === undefined ? whole : encodeURIComponent(vars[name] as string),
    );
  }

  /** Runs a `fetch` of the API path `key` inside the page (same origin, the page's Bearer); the answer is kept. */
  async fetchJson(
    apiKey: string,
    init: { method?: string; body?: unknown; suffix?: string; vars?: Record<string, string> } = {},
  ): Promise<InPageAnswer | undefined> {
    const apiPath = this.apiUrl(apiKey, init.vars);
    if (!apiPath) return undefined;
    await this.prepare();
    const answer = await inPageJson(this.page, `${apiPath}${init.suffix ?? ""}`, {
      method: init.method ?? "GET",
      ...(init.body === undefined ? {} : { body: init.body }),
      token: this.bearer,
    });
    this.keep(apiKey, new URL(`${apiPath}${init.suffix ?? ""}`, this.site.baseUrl), answer.json);
    this.changed();
    return answer;
  }

  /** Starts reading the message stream of `jobId` inside the page (once); its events are kept as they come. */
  async openStream(jobId: string): Promise<StreamState> {
    const known = this.streams.get(jobId);
    if (known && !known.ended) return known;
    const state: StreamState = {
      jobId,
      toolReturns: [],
      error: undefined,
      ended: false,
      failure: undefined,
      events: 0,
    };
    this.streams.set(jobId, state);
    const url = this.apiUrl("stream", { jobId });
    if (!url) {
      state.ended = true;
      state.failure = "the profile names no stream";
      return state;
    }
    await this.prepare();
    await inPageStream(this.page, url, jobId, this.bearer);
    return state;
  }

  async closeStream(jobId: string): Promise<void> {
    await closeInPageStream(this.page, jobId);
  }

  /** Resolves when `check` returns a value (checked on every tracked change and every `pollMs`), or undefined at the deadline. */
  async waitFor<T>(
    check: () => T | undefined,
    options: { timeoutMs: number; signal?: AbortSignal | undefined; pollMs?: number; onPoll?: () => Promise<unknown> },
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

  private callKind(request: Request): GenerationCall["kind"] | undefined {
    if (request.method() !== "POST") return undefined;
    let url: URL;
    try {
      url = new URL(request.url());
    } catch {
      return undefined;
    }
    if (matchesApiPath(this.site, "compose", url)) {
      const body = requestBody(request);
      const part = (body.part ?? {}) as { tool_name?: unknown };
      if (part.tool_name === this.site.tools.splitStems) return "stems";
      if (part.tool_name === this.site.tools.createSong) return "compose";
      return typeof part.tool_name === "string" ? "tool" : undefined;
    }
    return matchesApiPath(this.site, "chat", url) ? "chat" : undefined;
  }

  private sent(request: Request): void {
    const authorization = request.headers().authorization;
    if (authorization?.startsWith("Bearer ") && request.url().startsWith(this.site.baseUrl))
      this.bearer = authorization.slice(7);
    const kind = this.callKind(request);
    if (!kind) return;
    this.calls.push({
      kind,
      body: requestBody(request),
      status: undefined,
      jobId: undefined,
      retryAfterSecs: undefined,
      failed: undefined,
    });
    this.changed();
  }

  private requestFailed(request: Request): void {
    const kind = this.callKind(request);
    if (!kind) return;
    const call = this.calls.findLast(
      (candidate) => candidate.kind === kind && candidate.status === undefined && candidate.failed === undefined,
    );
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
    const request = response.request();
    const kind = this.callKind(request);
    if (kind) {
      const json = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
      const call = this.calls.findLast(
        (candidate) => candidate.kind === kind && candidate.status === undefined && candidate.failed === undefined,
      );
      if (!call) return;
      call.status = response.status();
      call.jobId = text(json?.job_id);
      const retryAfter = Number(response.headers()["retry-after"]);
      if (Number.isFinite(retryAfter)) call.retryAfterSecs = retryAfter;
      return;
    }
    const key = (["credits", "status", "clips", "recentClips", "library", "conversationCreate"] as const).find((c) =>
      matchesApiPath(this.site, c, url),
    );
    if (!key || request.method() === "OPTIONS") return;
    const json = (await response.json().catch(() => undefined)) as unknown;
    this.keep(key, url, json);
  }

  /** Keeps what an answer of the API path `key` says. */
  private keep(key: string, url: URL, json: unknown): void {
    if (json === undefined || json === null) return;
    const body = json as Record<string, unknown>;
    if (key === "credits") {
      const data = (body.data ?? body) as Record<string, unknown>;
      const credits = num(data.credits_remaining);
      if (credits !== undefined) this.credits = credits;
    } else if (key === "status") {
      const opId = decodeURIComponent(url.pathname.split("/").filter(Boolean).pop() ?? "");
      const state = opId ? parseStatus(opId, json) : undefined;
      if (state) this.operations.set(opId, state);
    } else if (key === "clips" || key === "recentClips" || key === "library") {
      for (const clip of clipsOf(json)) this.clips.set(clip.id, clip);
    } else if (key === "conversationCreate" && text(body.conversation_id)) {
      this.conversationsMade.push(text(body.conversation_id) as string);
    }
  }

  private streamEvent(jobId: string, event: string, data: string): void {
    const state = this.streams.get(jobId);
    if (!state) return;
    state.events += 1;
    if (event === "end" || event === "final" || event === "http-error" || event === "stream-failed") {
      state.ended = true;
      if (event === "http-error" || event === "stream-failed") state.failure = `${event}: ${data}`;
      this.changed();
      return;
    }
    let json: unknown = data;
    try {
      json = JSON.parse(data) as unknown;
    } catch {
      // a plain-text event
    }
    if (event === "error") {
      state.error = parseStreamError(json);
    } else {
      for (const part of partsOf(event, json)) {
        const toolReturn = parseToolReturn(part);
        if (
          toolReturn &&
          !state.toolReturns.some(
            (known) =>
              known.clipIds.join() === toolReturn.clipIds.join() && known.operationId === toolReturn.operationId,
          )
        ) {
          state.toolReturns.push(toolReturn);
          this.drift.toolReturn(part as Record<string, unknown>);
          this.logger.debug(
            { jobId, operationId: toolReturn.operationId, clipIds: toolReturn.clipIds },
            "the stream named the generation's songs",
          );
        }
      }
    }
    this.changed();
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
