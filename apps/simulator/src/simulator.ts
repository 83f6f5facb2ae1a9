import { randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { AudioCache, planSongs, type SimulatedFormat, type SimulatedGeneration } from "./catalog.js";
import { FAULTS, FaultSwitchboard, type Fault } from "./faults.js";
import { challengePage, composerPage, errorPage, signInPage, songPage } from "./pages.js";
import { encodeSessionCookie } from "./flow-accounts.js";
import { createFlowApp, emptyFlowStats, type FlowStats, type ServedAudio } from "./flow-app.js";
import { DOM_VARIANTS, SITE_VARIANTS, type SiteVariantName } from "./variants.js";

/** The auth cookie's name, shaped like the real site's Supabase cookie. */
export const AUTH_COOKIE = "sb-simulator-auth-token";

export interface SimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Time from submission until the songs are ready; a few seconds by default, 0 for tests. */
  generationMs?: number;
  /** Time from submission until the assistant replies. */
  replyDelayMs?: number;
  songsPerGeneration?: number;
  /** Shortest and longest song, in seconds. */
  songDurationSecs?: readonly [number, number];
  /** Which generation of the site to serve: the 2026 Flow app (default), the 2025 page, or its renamed redesign. */
  variant?: SiteVariantName;
  /** The Flow app's status poll interval (the real page polls about every 3 s). */
  statusPollMs?: number;
  /** Credits a new account starts with (Flow app). */
  startingCredits?: number;
  /** Credits one song costs (Flow app). */
  creditsPerSong?: number;
  /** The email and password the sign-in form accepts. */
  credentials?: { email: string; password: string };
  /** Lifetime of a sign-in (2026 app: of its refresh token); the real site's is long. */
  sessionTtlSecs?: number;
  /** 2026 app: how long an access token lives (`expires_at`); the real one about an hour. */
  accessTokenTtlSecs?: number;
  /** 2026 app: how long a rotated refresh token may still be used (answering the same new pair), like Supabase's 10 s. */
  refreshReuseSecs?: number;
  /** 2026 app: time from a generation call to its tool-return on the stream (the only source of its ids). */
  toolReturnDelayMs?: number;
  /** 2026 app: the tool-return as a `part` event (status "final"), inside a `message` event's parts, or both. */
  streamParts?: "part" | "message" | "both";
  /** 2026 app: the tool-return's `content` as an object or as a JSON string. */
  toolReturnContent?: "object" | "string";
  /** 2026 app: a direct tool call's stream stays open after its tool-return instead of ending with complete/final. */
  directStreamStaysOpen?: boolean;
  /** 2026 app: two songs as one operation (`clip_id` + `clip_id_b`) or an A/B pair of two operations (`a_b_test_id`). */
  songPairs?: "one-operation" | "ab-test";
  /** 2026 app: the status answer also carries `clip_ids` and `progress` (which some clients see). */
  statusExtras?: boolean;
  /** 2026 app: a done song's `wav_url` answers 404 for this long. */
  wavDelayMs?: number;
  /** 2026 app: library rows as <div> (default) or <li>. */
  libraryRows?: "div" | "li";
  /**
   * 2026 app: menus portaled to <body> as role=menu (Radix), or their items inline in the song's row. 2025 page:
   * "inline" leaves out the role=menu element around each card's menu items.
   */
  menuShape?: "portal" | "inline";
  /** 2026 app: latency added to every page load and library listing call. */
  pageCostMs?: number;
  /** 2026 app: how long after a page load the `promo-later` fault shows the promo dialog. */
  promoDelayMs?: number;
  /** 2026 app: audio is synthesized at most this long (a clip still reports its full length), so tests stay fast. */
  maxAudioSecs?: number;
  /** 2026 app: the `retry-after` of a 429 busy answer. */
  busyRetryAfterSecs?: number;
  /** 2026 app: the public storage listener's port (another origin); 0 picks one. */
  storagePort?: number;
  /** How long an export takes while the `slow-export` fault is on. */
  slowExportMs?: number;
  /** The admin API's port (another listener, which the page cannot reach); 0 picks one. */
  adminPort?: number;
}

export interface SimulatorStats {
  requests: number;
  pageLoads: Record<string, number>;
  signIns: { password: number; oauth: number; refused: number };
  /** Generation requests received (submissions), on any variant: what one job may cost at most once. */
  generations: number;
  prompts: string[];
  exports: Record<SimulatedFormat, number>;
  downloads: Record<SimulatedFormat, number>;
  challenges: number;
  quotaRefusals: number;
  unauthorized: number;
  /** Every audio file served, in order: what a stored file must be byte-equal to. */
  served: ServedAudio[];
  /** The 2026 Flow app's own counters. */
  flow: FlowStats;
}

/** A Playwright storage state holding one signed-in session for the simulator's origin. */
export interface SimulatorStorageState {
  cookies: Array<{
    name: string;
    value: string;
    domain: string;
    path: string;
    expires: number;
    httpOnly: boolean;
    secure: boolean;
    sameSite: "Lax";
  }>;
  origins: never[];
}

export interface RunningSimulator {
  /** `http://127.0.0.1:<port>` — the site's base URL. */
  url: string;
  /** The admin API's base URL; every request needs `Authorization: Bearer <adminToken>`. */
  adminUrl: string;
  adminToken: string;
  faults: FaultSwitchboard;
  stats: SimulatorStats;
  /** 2026 app: the public storage origin `audio_url` / `wav_url` point to (no auth; `Access-Control-Allow-Origin: *`). */
  storageUrl: string;
  settings: Required<Omit<SimulatorOptions, "port" | "adminPort" | "storagePort" | "credentials">> & {
    credentials: { email: string; password: string };
  };
  /**
   * A signed-in session as a storage state, for the variant being served: the 2026 app's chunked
   * `sb-sb-auth-token.N` cookies, or the 2025 page's single cookie. On the 2026 app `ttlSecs` is the access
   * token's lifetime (below 0: already expired, with a live refresh token) and `refreshTokenDead` makes the
   * refresh token dead too (fully signed out); on the 2025 page `ttlSecs` is the session's lifetime.
   */
  issueSession(email?: string, options?: { ttlSecs?: number; refreshTokenDead?: boolean }): SimulatorStorageState;
  /** 2026 app: revokes refresh tokens (every account's, or one's); access tokens live on until they expire. */
  revokeRefreshTokens(email?: string): void;
  /** 2026 app: the refresh tokens honoured now (not rotated, revoked or expired), oldest first. */
  liveRefreshTokens(email?: string): string[];
  /** 2026 app: the user id of an account (as in the cookie's `user.id` and `clips/user/<user_id>`). */
  userId(email?: string): string;
  /** 2026 app: adds `count` finished songs, older than any so far, to an account's library (benchmarks). */
  seedLibrary(email: string | undefined, count: number): void;
  /** Sets an account's credit balance (2026 app). */
  setCredits(credits: number, email?: string): void;
  /** An account's credit balance (2026 app). */
  credits(email?: string): number;
  /** The sha256 of what the site serves for a song in a format: what a stored file must equal. */
  servedSha256(clipId: string, format: SimulatedFormat): string | undefined;
  /** Every clip of the 2026 app, oldest first. */
  flowClips(): Array<{ id: string; title: string; opId: string; opType: string; parentId?: string; account: string; createdAt: number }>;
  /** Ends every session, or only those of one account's email (2026 app: access and refresh tokens both). */
  expireSessions(email?: string): void;
  resetStats(): void;
  close(): Promise<void>;
}

const FORMATS: readonly SimulatedFormat[] = ["wav", "mp3", "m4a"];
const CONTENT_TYPES: Record<SimulatedFormat, string> = { wav: "audio/wav", mp3: "audio/mpeg", m4a: "audio/mp4" };

const emptyStats = (): SimulatorStats => ({
  requests: 0,
  pageLoads: {},
  signIns: { password: 0, oauth: 0, refused: 0 },
  generations: 0,
  prompts: [],
  exports: { wav: 0, mp3: 0, m4a: 0 },
  downloads: { wav: 0, mp3: 0, m4a: 0 },
  challenges: 0,
  quotaRefusals: 0,
  unauthorized: 0,
  served: [],
  flow: emptyFlowStats(),
});

function listen(server: ReturnType<typeof createAdaptorServer>, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: ReturnType<typeof createAdaptorServer>): Promise<void> {
  return new Promise((resolve) => {
    (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    server.close(() => resolve());
  });
}

/** Starts the simulated ProducerAI site and its admin API on 127.0.0.1. */
export async function start(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const generationMs = options.generationMs ?? 3000;
  const settings: RunningSimulator["settings"] = {
    generationMs,
    replyDelayMs: options.replyDelayMs ?? Math.min(500, Math.floor(generationMs / 3)),
    songsPerGeneration: options.songsPerGeneration ?? 2,
    songDurationSecs: options.songDurationSecs ?? [2, 4],
    variant: options.variant ?? "flow-2026",
    statusPollMs: options.statusPollMs ?? 3000,
    startingCredits: options.startingCredits ?? 500,
    creditsPerSong: options.creditsPerSong ?? 5,
    credentials: options.credentials ?? { email: "producer@example.test", password: "correct horse battery" },
    sessionTtlSecs: options.sessionTtlSecs ?? 7 * 24 * 3600,
    slowExportMs: options.slowExportMs ?? 3000,
    accessTokenTtlSecs: options.accessTokenTtlSecs ?? 3600,
    refreshReuseSecs: options.refreshReuseSecs ?? 10,
    toolReturnDelayMs: options.toolReturnDelayMs ?? 300,
    streamParts: options.streamParts ?? "both",
    toolReturnContent: options.toolReturnContent ?? "object",
    directStreamStaysOpen: options.directStreamStaysOpen ?? false,
    songPairs: options.songPairs ?? "one-operation",
    statusExtras: options.statusExtras ?? false,
    wavDelayMs: options.wavDelayMs ?? 0,
    libraryRows: options.libraryRows ?? "div",
    menuShape: options.menuShape ?? "portal",
    pageCostMs: options.pageCostMs ?? 0,
    promoDelayMs: options.promoDelayMs ?? 2000,
    maxAudioSecs: options.maxAudioSecs ?? 8,
    busyRetryAfterSecs: options.busyRetryAfterSecs ?? 5,
  };
  const faults = new FaultSwitchboard();
  const adminToken = randomBytes(24).toString("hex");
  const sessions = new Map<string, { email: string; expiresAt: number }>();
  const generations = new Map<string, SimulatedGeneration>();
  const audio = new AudioCache();
  const heldRequests = new Set<() => void>();
  let stats = emptyStats();
  let overlayShown = new Set<string>();

  const variant = () => DOM_VARIANTS[settings.variant === "renamed" ? "renamed" : "producerai-2025"];
  const newSession = (email: string) => {
    const token = randomBytes(24).toString("base64url");
    const expiresAt = Date.now() + settings.sessionTtlSecs * 1000;
    sessions.set(token, { email, expiresAt });
    return { token, expiresAt };
  };
  const signedIn = (c: Context) => {
    const token = getCookie(c, AUTH_COOKIE);
    const session = token ? sessions.get(token) : undefined;
    return session !== undefined && session.expiresAt > Date.now() && !faults.isOn("logged-out");
  };
  const setAuthCookie = (c: Context, token: string) =>
    setCookie(c, AUTH_COOKIE, token, {
      path: "/",
      httpOnly: true,
      sameSite: "Lax",
      maxAge: settings.sessionTtlSecs,
    });
  const songById = (id: string) => {
    for (const generation of generations.values()) {
      const song = generation.songs.find((candidate) => candidate.id === id);
      if (song) return song;
    }
    return undefined;
  };

  const site = new Hono();
  site.use(async (c, next) => {
    stats.requests += 1;
    if (faults.fire("challenge", c.req.path)) {
      stats.challenges += 1;
      return c.html(challengePage(), 403);
    }
    const isApi = c.req.path.startsWith("/api/") || c.req.path.startsWith("/__api/");
    if (c.req.method === "GET" && !isApi && faults.fire("http-500", c.req.path)) {
      return c.html(errorPage(500), 500);
    }
    await next();
  });
  const flow = createFlowApp({
    settings,
    faults,
    audio,
    stats: () => stats.flow,
    heldRequests,
    pageLoad: (path) => {
      stats.pageLoads[path] = (stats.pageLoads[path] ?? 0) + 1;
    },
    recordServed: (entry) => stats.served.push(entry),
    recordSubmission: (prompt) => {
      stats.generations += 1;
      stats.prompts.push(prompt);
    },
  });
  const classic = new Hono();
  site.all("*", (c) => (settings.variant === "flow-2026" ? flow.app : classic).fetch(c.req.raw, c.env));
  const page = (path: string) => {
    stats.pageLoads[path] = (stats.pageLoads[path] ?? 0) + 1;
  };
  const requireSignIn = (c: Context) => c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`);

  classic.get("/", (c) => c.redirect("/create"));
  classic.get("/login", (c) => {
    page("/login");
    return c.html(signInPage(variant(), { next: c.req.query("next") ?? "/create" }));
  });
  classic.post("/auth/sign-in", async (c) => {
    const form = await c.req.parseBody();
    const { email, password } = settings.credentials;
    const given = { email: String(form.email ?? ""), password: String(form.password ?? "") };
    const same = (a: string, b: string) =>
      a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
    if (!same(given.email, email) || !same(given.password, password)) {
      stats.signIns.refused += 1;
      return c.json({ error: "Invalid email or password." }, 401);
    }
    stats.signIns.password += 1;
    setAuthCookie(c, newSession(email).token);
    return c.json({ ok: true });
  });
  classic.get("/auth/oauth", (c) => {
    stats.signIns.oauth += 1;
    setAuthCookie(c, newSession(`${c.req.query("provider") ?? "oauth"}-user@example.test`).token);
    const next = c.req.query("next") ?? "/create";
    return c.redirect(next.startsWith("/") && !next.startsWith("//") ? next : "/create");
  });
  classic.get("/auth/sign-out", (c) => {
    deleteCookie(c, AUTH_COOKIE, { path: "/" });
    return c.redirect("/login");
  });
  classic.get("/create", (c) => {
    page("/create");
    if (!signedIn(c)) return requireSignIn(c);
    return c.html(composerPage(variant(), { menusStayOpen: faults.isOn("menu-stays-open"), bareMenus: settings.menuShape === "inline" }));
  });
  classic.get("/library/my-songs", (c) => {
    page("/library/my-songs");
    if (!signedIn(c)) return requireSignIn(c);
    const songs = [...generations.values()].flatMap((generation) => generation.songs).slice(-20);
    return c.html(songPage(songs.map((song) => song.title).join(", ") || "No songs yet"));
  });
  classic.get("/song/:id", (c) => songOrSignIn(c));
  classic.get("/track/:id", (c) => songOrSignIn(c));
  function songOrSignIn(c: Context) {
    page("/song");
    if (!signedIn(c)) return requireSignIn(c);
    const song = songById(c.req.param("id") ?? "");
    if (!song) return c.html(errorPage(404), 404);
    // A song's own page shows its card, with the same More options menu as in the chat.
    return c.html(
      composerPage(variant(), {
        preload: [{ id: song.id, title: song.title, durationSecs: song.durationSecs, status: song.hasAudio ? "ready" : "failed" }],
        bareMenus: settings.menuShape === "inline",
      }),
    );
  }

  classic.use("/api/*", async (c, next) => {
    if (!signedIn(c)) {
      stats.unauthorized += 1;
      return c.json({ error: "unauthorized" }, 401);
    }
    await next();
  });
  classic.post("/api/generate", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { prompt?: unknown };
    const prompt = typeof body.prompt === "string" ? body.prompt.trim() : "";
    if (!prompt) return c.json({ error: "empty prompt" }, 400);
    if (faults.fire("quota-exhausted")) {
      stats.quotaRefusals += 1;
      return c.json({ error: "quota_exhausted" }, 402);
    }
    const now = Date.now();
    const noAudio = faults.fire("song-without-audio");
    const generation: SimulatedGeneration = {
      id: randomUUID(),
      prompt,
      createdAt: now,
      replyAt: faults.fire("reply-never") ? undefined : now + settings.replyDelayMs,
      readyAt: now + settings.generationMs,
      songs: planSongs(prompt, { count: settings.songsPerGeneration, durationSecs: settings.songDurationSecs }).map(
        (song, index) => ({ ...song, hasAudio: !(noAudio && index === 0) }),
      ),
    };
    generations.set(generation.id, generation);
    stats.generations += 1;
    stats.prompts.push(prompt);
    return c.json({ id: generation.id });
  });
  classic.get("/api/generations/:id", (c) => {
    const generation = generations.get(c.req.param("id"));
    if (!generation) return c.json({ error: "not found" }, 404);
    const now = Date.now();
    const replied = generation.replyAt !== undefined && now >= generation.replyAt;
    const ready = replied && now >= generation.readyAt;
    let overlay = false;
    if (ready && !overlayShown.has(generation.id) && faults.fire("overlay")) {
      overlay = true;
      overlayShown.add(generation.id);
    }
    return c.json({
      id: generation.id,
      replied,
      status: ready ? "ready" : "generating",
      overlay,
      songs: generation.songs.map((song) => ({
        id: song.id,
        title: song.title,
        durationSecs: song.durationSecs,
        status: !ready ? "generating" : song.hasAudio ? "ready" : "failed",
        audio_url: ready && song.hasAudio ? `/api/songs/${song.id}/download` : null,
      })),
    });
  });
  classic.post("/api/songs/:id/export", async (c) => {
    const song = songById(c.req.param("id"));
    const format = c.req.query("format") as SimulatedFormat;
    if (!song || !song.hasAudio) return c.json({ error: "not found" }, 404);
    if (!FORMATS.includes(format)) return c.json({ error: "unknown format" }, 400);
    stats.exports[format] += 1;
    if (faults.fire("download-never")) {
      // The export never finishes: hold the request until the page goes away or the simulator closes.
      await new Promise<void>((resolve) => {
        const release = () => {
          heldRequests.delete(release);
          resolve();
        };
        heldRequests.add(release);
        c.req.raw.signal.addEventListener("abort", release, { once: true });
      });
      return c.json({ error: "export abandoned" }, 503);
    }
    if (faults.fire("slow-export")) await new Promise((resolve) => setTimeout(resolve, settings.slowExportMs));
    return c.json({ url: `/api/songs/${song.id}/download?format=${format}` });
  });
  classic.get("/api/songs/:id/download", (c) => {
    const song = songById(c.req.param("id"));
    const format = (c.req.query("format") ?? "wav") as SimulatedFormat;
    if (!song || !song.hasAudio || !FORMATS.includes(format)) return c.json({ error: "not found" }, 404);
    stats.downloads[format] += 1;
    const bytes = audio.get(song, format);
    stats.served.push({ clipId: song.id, format, sha256: audio.sha256(song, format), via: "endpoint" });
    const filename = `${song.title}.${format}`;
    return c.body(new Uint8Array(bytes), 200, {
      "content-type": CONTENT_TYPES[format],
      "content-length": String(bytes.length),
      "content-disposition": `attachment; filename="${filename.replace(/[^\x20-\x7e]/g, "_").replaceAll('"', "")}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
    });
  });

  const admin = new Hono();
  admin.use(async (c, next) => {
    const given = Buffer.from(c.req.header("authorization") ?? "");
    const expected = Buffer.from(`Bearer ${adminToken}`);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return c.json({ error: "admin token required" }, 401);
    }
    await next();
  });
  admin.get("/faults", (c) => c.json({ faults: faults.list(), known: FAULTS }));
  admin.put("/faults/:fault", async (c) => {
    const fault = c.req.param("fault") as Fault;
    if (!FAULTS.includes(fault)) return c.json({ error: `unknown fault; known: ${FAULTS.join(", ")}` }, 400);
    const body = (await c.req.json().catch(() => ({}))) as { times?: unknown; paths?: unknown; skip?: unknown };
    faults.set(fault, {
      ...(typeof body.times === "number" ? { times: body.times } : {}),
      ...(typeof body.skip === "number" ? { skip: body.skip } : {}),
      ...(Array.isArray(body.paths) ? { paths: body.paths.map(String) } : {}),
    });
    return c.json({ faults: faults.list() });
  });
  admin.delete("/faults/:fault", (c) => {
    faults.clear(c.req.param("fault") as Fault);
    return c.json({ faults: faults.list() });
  });
  admin.delete("/faults", (c) => {
    faults.clear();
    return c.json({ faults: faults.list() });
  });
  admin.get("/stats", (c) => c.json(stats));
  admin.post("/stats/reset", (c) => {
    running.resetStats();
    return c.json(stats);
  });
  admin.post("/sessions", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { email?: unknown; ttlSecs?: unknown; refreshTokenDead?: unknown };
    return c.json(
      running.issueSession(typeof body.email === "string" ? body.email : undefined, {
        ...(typeof body.ttlSecs === "number" ? { ttlSecs: body.ttlSecs } : {}),
        ...(body.refreshTokenDead === true ? { refreshTokenDead: true } : {}),
      }),
    );
  });
  admin.post("/sessions/revoke-refresh-tokens", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { email?: unknown };
    running.revokeRefreshTokens(typeof body.email === "string" ? body.email : undefined);
    return c.json({ ok: true });
  });
  admin.get("/sessions/refresh-tokens", (c) => c.json({ refreshTokens: running.liveRefreshTokens(c.req.query("email")) }));
  admin.post("/library/seed", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { email?: unknown; count?: unknown };
    if (typeof body.count !== "number" || !Number.isInteger(body.count) || body.count < 0) return c.json({ error: "count must be an integer >= 0" }, 400);
    running.seedLibrary(typeof body.email === "string" ? body.email : undefined, body.count);
    return c.json({ ok: true, clips: running.flowClips().length });
  });
  admin.post("/sessions/expire", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { email?: unknown };
    running.expireSessions(typeof body.email === "string" ? body.email : undefined);
    return c.json({ ok: true });
  });
  admin.get("/settings", (c) => c.json(settings));
  admin.get("/credits/:email", (c) => c.json({ email: c.req.param("email"), credits: flow.credits(c.req.param("email")) }));
  admin.put("/credits/:email", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { credits?: unknown };
    if (typeof body.credits !== "number" || body.credits < 0) return c.json({ error: "credits must be a number >= 0" }, 400);
    running.setCredits(body.credits, c.req.param("email"));
    return c.json({ email: c.req.param("email"), credits: flow.credits(c.req.param("email")) });
  });
  admin.patch("/settings", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as Partial<RunningSimulator["settings"]>;
    if (body.variant !== undefined && !SITE_VARIANTS.includes(body.variant)) return c.json({ error: "unknown variant" }, 400);
    const live = ["generationMs", "replyDelayMs", "songsPerGeneration", "slowExportMs", "variant", "statusPollMs", "creditsPerSong", "accessTokenTtlSecs", "refreshReuseSecs", "toolReturnDelayMs", "streamParts", "toolReturnContent", "directStreamStaysOpen", "songPairs", "statusExtras", "wavDelayMs", "libraryRows", "menuShape", "pageCostMs", "promoDelayMs", "maxAudioSecs", "busyRetryAfterSecs"] as const;
    for (const key of live) {
      if (body[key] !== undefined) (settings as Record<string, unknown>)[key] = body[key];
    }
    return c.json(settings);
  });

  const siteServer = createAdaptorServer({ fetch: site.fetch });
  const adminServer = createAdaptorServer({ fetch: admin.fetch });
  const storageServer = createAdaptorServer({ fetch: flow.storage.fetch });
  const port = await listen(siteServer, options.port ?? 0);
  const adminPort = await listen(adminServer, options.adminPort ?? 0);
  const storagePort = await listen(storageServer, options.storagePort ?? 0);
  const url = `http://127.0.0.1:${port}`;
  // Another origin than the site's (another port), as the real storage bucket is.
  const storageUrl = `http://127.0.0.1:${storagePort}`;
  flow.setStorageOrigin(storageUrl);

  const running: RunningSimulator = {
    url,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    adminToken,
    storageUrl,
    faults,
    get stats() {
      return stats;
    },
    settings,
    issueSession(email = settings.credentials.email, sessionOptions = {}) {
      const ttlSecs = sessionOptions.ttlSecs ?? settings.sessionTtlSecs;
      const cookie = (name: string, value: string, expires: number) => ({
        name,
        value,
        domain: "127.0.0.1",
        path: "/",
        expires,
        httpOnly: false,
        secure: false,
        sameSite: "Lax" as const,
      });
      if (settings.variant === "flow-2026") {
        // Like Supabase: the cookies live long; the session JSON inside says when the access token ends.
        const session = flow.issueSession(email, {
          accessTtlSecs: sessionOptions.ttlSecs ?? settings.accessTokenTtlSecs,
          refreshTokenDead: sessionOptions.refreshTokenDead === true,
        });
        const expires = Math.floor(Date.now() / 1000) + 400 * 24 * 3600;
        return { cookies: encodeSessionCookie(session).map((chunk) => cookie(chunk.name, chunk.value, expires)), origins: [] };
      }
      const token = randomBytes(24).toString("base64url");
      const expiresAt = Date.now() + ttlSecs * 1000;
      sessions.set(token, { email, expiresAt });
      return { cookies: [{ ...cookie(AUTH_COOKIE, token, Math.floor(expiresAt / 1000)), httpOnly: true }], origins: [] };
    },
    setCredits(credits, email = settings.credentials.email) {
      flow.setCredits(email, credits);
    },
    credits(email = settings.credentials.email) {
      return flow.credits(email);
    },
    revokeRefreshTokens(email) {
      flow.revokeRefreshTokens(email);
    },
    liveRefreshTokens(email) {
      return flow.liveRefreshTokens(email);
    },
    userId(email = settings.credentials.email) {
      return flow.userId(email);
    },
    seedLibrary(email = settings.credentials.email, count) {
      flow.seedLibrary(email, count);
    },
    servedSha256(clipId, format) {
      const source = flow.audioSource(clipId) ?? songById(clipId);
      return source ? audio.sha256(source, format) : undefined;
    },
    flowClips() {
      return flow.clips().map((clip) => ({
        id: clip.id,
        title: clip.title,
        opId: clip.opId,
        opType: clip.opType,
        account: clip.account,
        createdAt: clip.createdAt,
        ...(clip.parentId ? { parentId: clip.parentId } : {}),
      }));
    },
    expireSessions(email?: string) {
      for (const session of sessions.values()) if (email === undefined || session.email === email) session.expiresAt = 0;
      flow.expireSessions(email);
    },
    resetStats() {
      stats = emptyStats();
      overlayShown = new Set();
    },
    async close() {
      for (const release of [...heldRequests]) release();
      flow.close();
      await Promise.all([closeServer(siteServer), closeServer(adminServer), closeServer(storageServer)]);
    },
  };
  return running;
}
