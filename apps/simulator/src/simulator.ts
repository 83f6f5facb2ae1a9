import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { Hono } from "hono";
import { createAdminApi } from "./admin-api.js";
import type { SimulatedFormat } from "./catalog.js";
import { createClassicApp } from "./classic-app.js";
import type { FaultSwitchboard } from "./faults.js";
import { COOKIE_MAX_AGE_SECS, encodeSessionCookie } from "./flow-accounts.js";
import { createFlowApp, type FlowApp } from "./flow-app.js";
import { challengePage, errorPage } from "./pages.js";
import { settingsFrom, type SimulatorOptions, type SimulatorSettings } from "./settings.js";
import { AUTH_COOKIE, SimulatorState, type SimulatorStats } from "./state.js";

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
  settings: SimulatorSettings;
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
  flowClips(): Array<{
    id: string;
    title: string;
    opId: string;
    opType: string;
    /** The clip it was made from (stems, edits, effects, conversions). */
    parentId?: string;
    /** The length the clip reports (`duration.value`); its audio is at most `maxAudioSecs` long. */
    durationSecs: number;
    account: string;
    createdAt: number;
    /** Who may see it ("unlisted" until changed), and whether it was deleted. */
    privacy: string;
    deleted: boolean;
    /** The model it was made with, when its call named one. */
    model?: string;
  }>;
  /** 2026 app: the ids of an account's conversations that exist now (not deleted), oldest first. */
  flowConversations(email?: string): string[];
  /** Ends every session, or only those of one account's email (2026 app: access and refresh tokens both). */
  expireSessions(email?: string): void;
  resetStats(): void;
  close(): Promise<void>;
}

/** What the running simulator does beyond its addresses, counters and settings. */
type SimulatorMethods = Omit<
  RunningSimulator,
  "url" | "adminUrl" | "adminToken" | "storageUrl" | "faults" | "stats" | "settings" | "close"
>;

type Server = ReturnType<typeof createAdaptorServer>;

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    server.close(() => resolve());
  });
}

/** Starts the simulated ProducerAI site and its admin API on 127.0.0.1. */
export async function start(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const settings = settingsFrom(options);
  const state = new SimulatorState(settings);
  const adminToken = randomBytes(24).toString("hex");
  const flow = createFlowApp({
    settings,
    faults: state.faults,
    audio: state.audio,
    stats: () => state.stats.flow,
    heldRequests: state.heldRequests,
    pageLoad: (path) => state.countPageLoad(path),
    recordServed: (entry) => state.stats.served.push(entry),
    recordSubmission: (prompt) => {
      state.stats.generations += 1;
      state.stats.prompts.push(prompt);
    },
  });
  const methods = simulatorMethods(state, flow);

  const siteServer = createAdaptorServer({ fetch: createSite(state, flow, createClassicApp(state)).fetch });
  const adminServer = createAdaptorServer({ fetch: createAdminApi(state, adminToken, methods).fetch });
  const storageServer = createAdaptorServer({ fetch: flow.storage.fetch });
  const port = await listen(siteServer, options.port ?? 0);
  const adminPort = await listen(adminServer, options.adminPort ?? 0);
  const storagePort = await listen(storageServer, options.storagePort ?? 0);
  // Another origin than the site's (another port), as the real storage bucket is.
  const storageUrl = `http://127.0.0.1:${storagePort}`;
  flow.setStorageOrigin(storageUrl);

  return {
    url: `http://127.0.0.1:${port}`,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    adminToken,
    storageUrl,
    faults: state.faults,
    get stats() {
      return state.stats;
    },
    settings,
    ...methods,
    async close() {
      state.releaseHeldRequests();
      flow.close();
      await Promise.all([closeServer(siteServer), closeServer(adminServer), closeServer(storageServer)]);
    },
  };
}

/** The site: every request counted, the challenge and HTTP 500 faults, then the app of the variant being served. */
function createSite(state: SimulatorState, flow: FlowApp, classic: Hono): Hono {
  const site = new Hono();
  site.use(async (c, next) => {
    state.stats.requests += 1;
    if (state.faults.fire("challenge", c.req.path)) {
      state.stats.challenges += 1;
      return c.html(challengePage(), 403);
    }
    const isApi = c.req.path.startsWith("/api/") || c.req.path.startsWith("/__api/");
    if (c.req.method === "GET" && !isApi && state.faults.fire("http-500", c.req.path)) {
      return c.html(errorPage(500), 500);
    }
    await next();
  });
  site.all("*", (c) => (state.settings.variant === "flow-2026" ? flow.app : classic).fetch(c.req.raw, c.env));
  return site;
}

/** The sessions, credits, library and counters of both site generations, for the caller and the admin API. */
function simulatorMethods(state: SimulatorState, flow: FlowApp): SimulatorMethods {
  const { settings } = state;
  return {
    issueSession: (email = settings.credentials.email, sessionOptions = {}) =>
      issueSession(state, flow, email, sessionOptions),
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
    servedSha256(clipId, format: SimulatedFormat) {
      const source = flow.audioSource(clipId) ?? state.songById(clipId);
      return source ? state.audio.sha256(source, format) : undefined;
    },
    flowClips() {
      return flow.clips().map((clip) => ({
        id: clip.id,
        title: clip.title,
        opId: clip.opId,
        opType: clip.opType,
        durationSecs: clip.durationSecs,
        account: clip.account,
        createdAt: clip.createdAt,
        privacy: clip.privacy ?? "unlisted",
        deleted: clip.deletedAt !== undefined,
        ...(clip.parentId ? { parentId: clip.parentId } : {}),
        ...(clip.model ? { model: clip.model } : {}),
      }));
    },
    flowConversations(email = settings.credentials.email) {
      return flow.conversations(email);
    },
    expireSessions(email?: string) {
      state.expireSessions(email);
      flow.expireSessions(email);
    },
    resetStats() {
      state.resetStats();
    },
  };
}

/** A signed-in session as a storage state, for the variant being served (see `RunningSimulator.issueSession`). */
function issueSession(
  state: SimulatorState,
  flow: FlowApp,
  email: string,
  options: { ttlSecs?: number; refreshTokenDead?: boolean },
): SimulatorStorageState {
  const { settings } = state;
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
      accessTtlSecs: options.ttlSecs ?? settings.accessTokenTtlSecs,
      refreshTokenDead: options.refreshTokenDead === true,
    });
    const expires = Math.floor(Date.now() / 1000) + COOKIE_MAX_AGE_SECS;
    return {
      cookies: encodeSessionCookie(session).map((chunk) => cookie(chunk.name, chunk.value, expires)),
      origins: [],
    };
  }
  const { token, expiresAt } = state.newSession(email, options.ttlSecs ?? settings.sessionTtlSecs);
  return { cookies: [{ ...cookie(AUTH_COOKIE, token, Math.floor(expiresAt / 1000)), httpOnly: true }], origins: [] };
}
