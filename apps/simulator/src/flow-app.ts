import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { Hono, type Context } from "hono";
import { getCookie } from "hono/cookie";
import { streamSSE } from "hono/streaming";
import { planSongs, type AudioCache, type SimulatedFormat } from "./catalog.js";
import type { FaultSwitchboard } from "./faults.js";
import { decodeSessionCookie, encodeSessionCookie, FLOW_COOKIE_BASE, type FlowSession } from "./flow-accounts.js";
import { flowConsentPage, flowLibraryPage, flowLoginPage, flowSettingsPage, flowSongPage, flowStudioPage } from "./flow-pages.js";
import { challengePage } from "./pages.js";

export const FLOW_MODELS = [
  { id: "lyria-3.5", label: "Lyria 3.5", menuName: "Lyria 3.5 Fast, full songs" },
  { id: "lyria-3-pro", label: "Lyria 3 Pro", menuName: "Lyria 3 Pro Best vocals, slower" },
] as const;
export const STEM_PARTS = ["vocals", "drums", "bass", "other"] as const;

export interface FlowClip {
  id: string;
  title: string;
  opId: string;
  opType: "audio__create_song" | "audio__split_stems";
  account: string;
  durationSecs: number;
  hasAudio: boolean;
  soundPrompt: string;
  lyrics: string;
  seed: number;
  model: string;
  bpm: number | null;
  createdAt: number;
  parentId?: string;
  /** Whose audio this clip serves (itself unless the duplicate-audio fault gave it another's). */
  audioOf?: { id: string; title: string; durationSecs: number };
}

export interface FlowOperation {
  opId: string;
  jobId: string;
  opType: FlowClip["opType"];
  account: string;
  createdAt: number;
  readyAt: number;
  clipIds: string[];
  failure?: { error_type: string; error_message: string };
}

/** What the flow app shares with the rest of the simulator. */
export interface FlowShared {
  settings: {
    generationMs: number;
    songsPerGeneration: number;
    songDurationSecs: readonly [number, number];
    sessionTtlSecs: number;
    slowExportMs: number;
    statusPollMs: number;
    creditsPerSong: number;
    startingCredits: number;
  };
  faults: FaultSwitchboard;
  audio: AudioCache;
  stats: () => FlowStats;
  heldRequests: Set<() => void>;
  pageLoad: (path: string) => void;
  recordServed: (entry: ServedAudio) => void;
  /** Counts a generation request in the simulator-wide counters (every variant's submissions). */
  recordSubmission: (prompt: string) => void;
}

/** One file the site served: the song, the format, the bytes' sha256, and whether a menu or a URL fetched it. */
export interface ServedAudio {
  clipId: string;
  format: SimulatedFormat;
  sha256: string;
  via: "menu" | "url";
}

export interface FlowStats {
  /** Generation calls (compose tool calls and chat messages) received, by account. */
  generationCalls: Record<string, number>;
  /** Generations that started (and were charged), by account. */
  generationsStarted: Record<string, number>;
  stemSplits: number;
  creditsCharged: number;
  refusedForCredits: number;
  unauthorized: number;
  /** The last compose request's fields, as the page sent them. */
  composeRequests: Array<Record<string, unknown>>;
  chatMessages: string[];
}

export const emptyFlowStats = (): FlowStats => ({
  generationCalls: {},
  generationsStarted: {},
  stemSplits: 0,
  creditsCharged: 0,
  refusedForCredits: 0,
  unauthorized: 0,
  composeRequests: [],
  chatMessages: [],
});

const CONTENT_TYPES: Record<SimulatedFormat, string> = { wav: "audio/wav", mp3: "audio/mpeg", m4a: "audio/mp4" };
const FORMATS: readonly SimulatedFormat[] = ["wav", "mp3", "m4a"];

/**
 * The 2026 Flow Music app: Google-only sign-in with chunked Supabase cookies, the studio's compose panel and
 * chat, the library with Radix-style menus, and the page's own `/__api/*` JSON traffic — credits, the
 * generation calls, a message stream that never ends, a polled status, and clips.
 */
export function createFlowApp(shared: FlowShared) {
  const { faults, settings } = shared;
  const sessions = new Map<string, FlowSession>();
  const credits = new Map<string, number>();
  const operations = new Map<string, FlowOperation>();
  const operationsByJob = new Map<string, FlowOperation>();
  const clips = new Map<string, FlowClip>();

  const balance = (account: string) => credits.get(account) ?? settings.startingCredits;
  const newSession = (email: string, ttlSecs = settings.sessionTtlSecs): FlowSession => {
    const session = { accessToken: randomBytes(24).toString("base64url"), email, expiresAt: Math.floor(Date.now() / 1000) + ttlSecs };
    sessions.set(session.accessToken, session);
    return session;
  };
  /** The signed-in account: from the Bearer token the page sends, or the cookie a page load carries. */
  const accountOf = (c: Context): string | undefined => {
    if (faults.isOn("logged-out")) return undefined;
    const bearer = c.req.header("authorization")?.match(/^Bearer (.+)$/)?.[1];
    const token = bearer ?? decodeSessionCookie(getCookie(c))?.access_token;
    const session = token ? sessions.get(token) : undefined;
    return session && session.expiresAt > Date.now() / 1000 ? session.email : undefined;
  };
  const bump = (record: Record<string, number>, account: string) => {
    record[account] = (record[account] ?? 0) + 1;
  };

  const clipJson = (clip: FlowClip) => {
    const operation = operations.get(clip.opId);
    const now = Date.now();
    const ready = operation !== undefined && now >= operation.readyAt && !operation.failure;
    const audio = ready && clip.hasAudio;
    return {
      id: clip.id,
      title: clip.title,
      op_id: clip.opId,
      op_type: clip.opType,
      duration: { status: !ready ? (operation?.failure ? "failed" : "pending") : audio ? "completed" : "failed", value: audio ? clip.durationSecs.toFixed(1) : null },
      lyrics: { status: ready ? "completed" : "pending", value: clip.lyrics ? { id: `lyr_${clip.id.slice(0, 8)}`, text: clip.lyrics } : null },
      operation: { sound_prompt: clip.soundPrompt, title: clip.title, seed: clip.seed, model: clip.model, bpm: clip.bpm, parent_clip_id: clip.parentId ?? null },
      audio_url: audio ? `/__api/cdn/clips/${clip.id}.m4a` : null,
      wav_url: audio ? `/__api/cdn/clips/${clip.id}.wav` : null,
      image_url: `/__api/cdn/images/${clip.id}.jpg`,
      video_url: null,
      created_at: new Date(clip.createdAt).toISOString(),
    };
  };

  const startOperation = (
    account: string,
    opType: FlowClip["opType"],
    plan: Array<Omit<FlowClip, "opId" | "opType" | "account" | "createdAt">>,
  ): FlowOperation => {
    const now = Date.now();
    const operation: FlowOperation = {
      opId: `op_${randomUUID()}`,
      jobId: randomUUID(),
      opType,
      account,
      createdAt: now,
      readyAt: now + settings.generationMs,
      clipIds: [],
    };
    if (opType === "audio__create_song" && faults.fire("song-failed")) {
      operation.failure = { error_type: "content_policy", error_message: "This request could not be generated. Try another description." };
    }
    for (const planned of plan) {
      const clip: FlowClip = { ...planned, opId: operation.opId, opType, account, createdAt: now };
      clips.set(clip.id, clip);
      operation.clipIds.push(clip.id);
    }
    operations.set(operation.opId, operation);
    operationsByJob.set(operation.jobId, operation);
    return operation;
  };

  /** A create-song request as the page sends it; charged once the generation starts. */
  const createSong = (c: Context, account: string, request: { prompt: string; lyrics: string; instrumental: boolean; model: string; bpm: number | null; seed: number | null; durationSecs: number | null; title: string }) => {
    bump(shared.stats().generationCalls, account);
    shared.recordSubmission(request.prompt);
    const price = settings.creditsPerSong * settings.songsPerGeneration;
    if (faults.fire("quota-exhausted") || balance(account) < price) {
      shared.stats().refusedForCredits += 1;
      return c.json({ error: "insufficient_credits", message: "You're out of credits" }, 402);
    }
    if (faults.fire("no-start")) {
      // The call is taken but nothing starts and nothing is charged: the page waits for a song that never comes.
      return c.json({ job_id: randomUUID() });
    }
    credits.set(account, balance(account) - price);
    shared.stats().creditsCharged += price;
    bump(shared.stats().generationsStarted, account);
    const noAudio = faults.fire("song-without-audio");
    // Without a seed the site picks one; here it follows from the prompt, so runs are repeatable.
    const seed = request.seed ?? createHash("sha256").update(request.prompt).digest().readUInt32BE(0) % 2 ** 31;
    const planned = planSongs(`${request.prompt}\n${request.lyrics}\n${seed}`, {
      count: settings.songsPerGeneration,
      durationSecs: settings.songDurationSecs,
    }).map((song, index) => ({
      id: randomUUID(),
      // With a title, every song of the generation carries it; rows are then told apart by their links.
      title: request.title || song.title,
      durationSecs: request.durationSecs ?? song.durationSecs,
      hasAudio: !(noAudio && index === 0),
      soundPrompt: request.prompt,
      lyrics: request.instrumental ? "" : request.lyrics,
      seed: seed + index,
      model: request.model,
      bpm: request.bpm,
    }));
    const operation = startOperation(account, "audio__create_song", planned);
    if (operation.clipIds.length > 1 && faults.fire("duplicate-audio")) {
      const first = clips.get(operation.clipIds[0] as string) as FlowClip;
      (clips.get(operation.clipIds[1] as string) as FlowClip).audioOf = { id: first.id, title: first.title, durationSecs: first.durationSecs };
    }
    if (faults.fire("reply-lost")) {
      // The answer starts, then the connection drops: the page sees HTTP 200 and a body cut short. (A connection
      // closed before any answer would be sent again by Chromium itself.)
      const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
      if (outgoing) {
        outgoing.writeHead(200, { "content-type": "application/json", "content-length": "64" });
        outgoing.write('{"job_');
        setTimeout(() => outgoing.socket?.destroy(), 50);
        return new Promise<Response>(() => undefined);
      }
    }
    return c.json({ job_id: operation.jobId });
  };

  const app = new Hono();
  const signedInPage = (c: Context, path: string, render: (account: string) => string) => {
    shared.pageLoad(path);
    const account = accountOf(c);
    if (!account) return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`);
    return c.html(render(account));
  };

  app.get("/", (c) => c.redirect("/session"));
  app.get("/login", (c) => {
    shared.pageLoad("/login");
    return c.html(flowLoginPage(c.req.query("next") ?? "/session"));
  });
  app.get("/auth/google", (c) => {
    shared.pageLoad("/auth/google");
    return c.html(flowConsentPage(c.req.query("next") ?? "/session"));
  });
  app.post("/auth/google/callback", async (c) => {
    const form = await c.req.parseBody();
    const session = newSession(String(form.account ?? "producer@example.test"));
    for (const chunk of encodeSessionCookie(session)) {
      c.header("set-cookie", `${chunk.name}=${chunk.value}; Path=/; Max-Age=${400 * 24 * 3600}; SameSite=Lax`, { append: true });
    }
    const next = String(form.next ?? "/session");
    return c.redirect(next.startsWith("/") && !next.startsWith("//") ? next : "/session");
  });
  app.get("/session", (c) =>
    signedInPage(c, "/session", () => {
      return flowStudioPage({
        models: FLOW_MODELS,
        consent: faults.fire("consent-notice"),
        promo: faults.fire("promo-dialog"),
        statusPollMs: settings.statusPollMs,
      });
    }),
  );
  app.get("/library/my-songs", (c) =>
    signedInPage(c, "/library/my-songs", (account) =>
      flowLibraryPage(
        [...clips.values()]
          .filter((clip) => clip.account === account)
          .sort((a, b) => b.createdAt - a.createdAt)
          .map((clip) => ({ id: clip.id, title: clip.title, json: clipJson(clip) })),
      ),
    ),
  );
  app.get("/song/:id", (c) =>
    signedInPage(c, "/song", () => {
      const clip = clips.get(c.req.param("id") ?? "");
      return flowSongPage(clip ? { id: clip.id, title: clip.title, json: clipJson(clip) } : undefined);
    }),
  );
  app.get("/settings", (c) => signedInPage(c, "/settings", (account) => flowSettingsPage(account, balance(account))));

  app.use("/__api/*", async (c, next) => {
    if (c.req.path.startsWith("/__api/cdn/")) return next();
    const account = accountOf(c);
    if (!account) {
      shared.stats().unauthorized += 1;
      return c.json({ error: "unauthorized", message: "JWT expired" }, 401);
    }
    c.set("account" as never, account as never);
    await next();
  });
  const account = (c: Context) => c.get("account" as never) as string;

  app.get("/__api/billing/credits", (c) =>
    c.json({ data: { credits_remaining: balance(account(c)), plan: "pro", credits_per_song: settings.creditsPerSong } }),
  );
  app.get("/__api/users/me", (c) => c.json({ data: { email: account(c) } }));
  app.get("/__api/models", (c) => c.json({ data: FLOW_MODELS.map((model) => ({ id: model.id, name: model.menuName })) }));

  app.post("/__api/producer/tool-call", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { tool?: string; args?: Record<string, unknown> };
    const args = body.args ?? {};
    if (body.tool === "split_stems") {
      const parent = clips.get(String(args.clip_id ?? ""));
      if (!parent || parent.account !== account(c)) return c.json({ error: "clip not found" }, 404);
      shared.stats().stemSplits += 1;
      const operation = startOperation(
        account(c),
        "audio__split_stems",
        STEM_PARTS.map((part) => ({
          id: randomUUID(),
          title: `${parent.title} - ${part}`,
          durationSecs: parent.durationSecs,
          hasAudio: true,
          soundPrompt: parent.soundPrompt,
          lyrics: "",
          seed: parent.seed,
          model: parent.model,
          bpm: parent.bpm,
          parentId: parent.id,
        })),
      );
      return c.json({ job_id: operation.jobId });
    }
    if (body.tool !== "create_song") return c.json({ error: "unknown tool" }, 400);
    const prompt = typeof args.sound_prompt === "string" ? args.sound_prompt.trim() : "";
    const lyrics = typeof args.lyrics === "string" ? args.lyrics : "";
    if (!prompt && !lyrics) return c.json({ error: "a sound description or lyrics is required" }, 400);
    shared.stats().composeRequests.push(args);
    const length = typeof args.length === "string" && /^\d+:\d\d$/.test(args.length) ? args.length.split(":").map(Number) : undefined;
    return createSong(c, account(c), {
      prompt,
      lyrics,
      instrumental: args.instrumental === true,
      model: typeof args.model === "string" ? args.model : FLOW_MODELS[0].id,
      bpm: typeof args.bpm === "number" ? args.bpm : null,
      seed: typeof args.seed === "number" ? args.seed : null,
      durationSecs: length ? (length[0] as number) * 60 + (length[1] as number) : null,
      title: typeof args.title === "string" ? args.title.trim() : "",
    });
  });
  app.post("/__api/conversation", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { message?: unknown };
    const message = typeof body.message === "string" ? body.message.trim() : "";
    if (!message) return c.json({ error: "empty message" }, 400);
    shared.stats().chatMessages.push(message);
    // The assistant answers with a song-making tool call, as it does for a request for music.
    return createSong(c, account(c), {
      prompt: message,
      lyrics: "",
      instrumental: false,
      model: FLOW_MODELS[0].id,
      bpm: null,
      seed: null,
      durationSecs: null,
      title: "",
    });
  });

  // The reply stream: says which operation the job started, then stays open (the real one may never end).
  app.get("/__api/messages/:jobId/stream", (c) =>
    streamSSE(c, async (stream) => {
      const operation = operationsByJob.get(c.req.param("jobId"));
      await stream.writeSSE({ event: "message", data: JSON.stringify({ type: "text", text: "Making your song…" }) });
      if (operation) {
        await stream.writeSSE({
          event: "message",
          data: JSON.stringify({ type: "tool_result", op_id: operation.opId, clip_ids: operation.clipIds }),
        });
      }
      await new Promise<void>((resolve) => {
        const release = () => {
          shared.heldRequests.delete(release);
          clearInterval(ping);
          resolve();
        };
        const ping = setInterval(() => void stream.write(": ping\n\n").catch(release), 1000);
        shared.heldRequests.add(release);
        stream.onAbort(release);
      });
    }),
  );
  app.get("/__api/audio-create-song-status/:opId", (c) => {
    const operation = operations.get(c.req.param("opId"));
    if (!operation || operation.account !== account(c)) return c.json({ error: "not found" }, 404);
    const done = Date.now() >= operation.readyAt;
    return c.json({
      op_id: operation.opId,
      job_id: operation.jobId,
      op_type: operation.opType,
      status: done ? (operation.failure ? "failed" : "completed") : "running",
      clip_ids: operation.clipIds,
      error_type: done && operation.failure ? operation.failure.error_type : null,
      error_message: done && operation.failure ? operation.failure.error_message : null,
    });
  });
  app.post("/__api/clips", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { clip_ids?: unknown };
    const ids = Array.isArray(body.clip_ids) ? body.clip_ids.map(String) : [];
    const found = ids.map((id) => clips.get(id)).filter((clip): clip is FlowClip => clip?.account === account(c));
    return c.json({ clips: Object.fromEntries(found.map((clip) => [clip.id, clipJson(clip)])) });
  });
  app.get("/__api/clips/auth-user", (c) => {
    const limit = Math.min(Number(c.req.query("limit") ?? 20), 100);
    const offset = Number(c.req.query("offset") ?? 0);
    const mine = [...clips.values()].filter((clip) => clip.account === account(c)).sort((a, b) => b.createdAt - a.createdAt);
    return c.json({ data: mine.slice(offset, offset + limit).map(clipJson), total: mine.length });
  });

  const serveAudio = async (c: Context, id: string, format: SimulatedFormat, via: "menu" | "url", attachment: boolean) => {
    const clip = clips.get(id);
    const operation = clip ? operations.get(clip.opId) : undefined;
    if (!clip || !operation || !clip.hasAudio || Date.now() < operation.readyAt || operation.failure) {
      return c.json({ error: "not found" }, 404);
    }
    if (!FORMATS.includes(format)) return c.json({ error: "unknown format" }, 400);
    if (via === "menu" && faults.fire("slow-export")) await new Promise((resolve) => setTimeout(resolve, settings.slowExportMs));
    const source = clip.audioOf ?? clip;
    const servedFormat = faults.isOn("wrong-format") ? "mp3" : format;
    const bytes = shared.audio.get(source, servedFormat);
    shared.recordServed({ clipId: id, format, sha256: shared.audio.sha256(source, servedFormat), via });
    const filename = `${clip.title}.${format}`;
    return c.body(new Uint8Array(bytes), 200, {
      "content-type": CONTENT_TYPES[format],
      "content-length": String(bytes.length),
      ...(attachment
        ? {
            "content-disposition": `attachment; filename="${filename.replace(/[^\x20-\x7e]/g, "_").replaceAll('"', "")}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
          }
        : {}),
    });
  };
  app.get("/__api/download/audio/:id", (c) =>
    serveAudio(c, c.req.param("id"), (c.req.query("format") ?? "m4a") as SimulatedFormat, "menu", true),
  );
  app.get("/__api/cdn/clips/:file", (c) => {
    if (!accountOf(c)) return c.json({ error: "unauthorized" }, 401);
    const match = /^([0-9a-f-]{36})\.(m4a|wav)$/.exec(c.req.param("file"));
    if (!match) return c.json({ error: "not found" }, 404);
    return serveAudio(c, match[1] as string, match[2] as SimulatedFormat, "url", false);
  });
  app.get("/__api/cdn/images/:file", (c) => c.body(null, 204));
  app.get("/__api/:id/download", (c) =>
    serveAudio(c, c.req.param("id"), (c.req.query("format") ?? "wav") as SimulatedFormat, "menu", true),
  );

  return {
    app,
    challengePage,
    issueSession(email: string, ttlSecs?: number) {
      const session = newSession(email, ttlSecs);
      return { session, cookies: encodeSessionCookie(session) };
    },
    /** Ends every session, or only the sessions of `email`. */
    expireSessions(email?: string) {
      for (const session of sessions.values()) if (email === undefined || session.email === email) session.expiresAt = 0;
    },
    setCredits(email: string, value: number) {
      credits.set(email, value);
    },
    credits: balance,
    clips: () => [...clips.values()],
    clip: (id: string) => {
      const clip = clips.get(id);
      return clip?.audioOf ? { ...clip, ...clip.audioOf } : clip;
    },
    cookieBase: FLOW_COOKIE_BASE,
  };
}

export type FlowApp = ReturnType<typeof createFlowApp>;
