import { randomUUID } from "node:crypto";
import { Hono, type Context } from "hono";
import { getCookie } from "hono/cookie";
import type { AudioCache } from "./catalog.js";
import type { FaultSwitchboard } from "./faults.js";
import { clearSessionCookieLines, decodeSessionCookie, sessionSetCookieLines } from "./flow-accounts.js";
import { createFlowApi } from "./flow-api.js";
import { FlowAuth, type RotateResult } from "./flow-auth.js";
import { clipAnswer, sleep, type FlowContext, type FlowSettings } from "./flow-context.js";
import {
  flowChooserPage,
  flowLibraryPage,
  flowLoginPage,
  flowSettingsPage,
  flowSongPage,
  flowStudioPage,
  type PageOptions,
} from "./flow-pages.js";
import { createStorageApp } from "./flow-storage.js";
import { FlowStore, siteModels, type FlowClip, type FlowStats, type ServedAudio } from "./flow-store.js";
import type { FlowJob } from "./flow-stream.js";

export { FLOW_MODELS, STEM_PARTS, emptyFlowStats } from "./flow-store.js";
export type { FlowStats, ServedAudio } from "./flow-store.js";

/** What the flow app shares with the rest of the simulator. */
export interface FlowShared {
  settings: FlowSettings;
  faults: FaultSwitchboard;
  audio: AudioCache;
  stats: () => FlowStats;
  heldRequests: Set<() => void>;
  pageLoad: (path: string) => void;
  recordServed: (entry: ServedAudio) => void;
  recordSubmission: (prompt: string) => void;
}

/**
 * The 2026 Flow Music app: Google-only sign-in with chunked Supabase cookies (refreshed by the server on a page
 * load and by the page itself), the studio's compose panel and chat, the library with Radix-style menus, the
 * page's `/__api/*` traffic, and a separate public storage origin for the audio links.
 */
export function createFlowApp(shared: FlowShared) {
  const { settings } = shared;
  let storageOrigin = "http://127.0.0.1:0";
  const context: FlowContext = {
    ...shared,
    store: new FlowStore(() => settings.startingCredits),
    auth: new FlowAuth(settings),
    jobs: new Map<string, FlowJob>(),
    storageOrigin: () => storageOrigin,
  };
  const { store, auth } = context;

  const app = new Hono();
  addSignIn(app, context);
  addPages(app, context);
  app.route("/__api", createFlowApi(context));

  return {
    app,
    storage: createStorageApp(context),
    setStorageOrigin(origin: string) {
      storageOrigin = origin;
    },
    /** A new login for `email`; `accessTtlSecs` below 0 gives an expired access token (the refresh token lives). */
    issueSession(email: string, options: { accessTtlSecs?: number; refreshTokenDead?: boolean } = {}) {
      return auth.issue(email, options);
    },
    /** Ends every login, or only those of `email`: access tokens expire and refresh tokens are revoked. */
    expireSessions: (email?: string) => auth.expire(email),
    revokeRefreshTokens: (email?: string) => auth.revokeRefreshTokens(email),
    liveRefreshTokens: (email?: string) => auth.liveRefreshTokens(email),
    userId: (email: string) => auth.userOf(email).id,
    setCredits: (email: string, value: number) => store.setBalance(email, value),
    credits: (email: string) => store.balance(email),
    clips: (): FlowClip[] => [...store.clips.values()].sort((a, b) => a.createdAt - b.createdAt),
    /** The ids of an account's conversations that exist now, oldest first. */
    conversations: (email: string): string[] =>
      [...store.conversations.entries()].filter(([, account]) => account === email).map(([id]) => id),
    /** The audio source of a clip: itself, or the clip whose audio it serves under `duplicate-audio`. */
    audioSource: (id: string) => {
      const clip = store.clips.get(id);
      if (!clip) return undefined;
      return clip.audioOf ?? { id: clip.id, title: clip.title, durationSecs: clip.audioSecs };
    },
    /** `count` finished songs, older than any made so far, for an account's library (benchmarks). */
    seedLibrary: (email: string, count: number) => seedLibrary(context, email, count),
    close() {
      for (const job of context.jobs.values()) job.cancelTimers();
    },
  };
}

/** A refresh-token grant as Supabase's token endpoint answers it, counted (a session revoked by it too). */
function grant(context: FlowContext, refreshToken: string | undefined): RotateResult {
  const { faults, auth } = context;
  const result: RotateResult =
    faults.isOn("logged-out") || faults.fire("refresh-fails") ? { refused: "not-found" } : auth.rotate(refreshToken);
  const stats = context.stats();
  stats.refreshes["session" in result ? "granted" : "refused"] += 1;
  if ("refused" in result && result.revokedSession) stats.revokedSessions += 1;
  return result;
}

/** Supabase's token endpoint's words for each refusal. */
const REFUSAL_DESCRIPTIONS = {
  "already-used": "Invalid Refresh Token: Already Used",
  "not-found": "Invalid Refresh Token: Refresh Token Not Found",
} as const;

/**
 * The account of a page load, as Next.js middleware with supabase-ssr finds it: a live access token, or else a
 * refresh with the cookie's refresh token (the new cookie chunks go out as Set-Cookie).
 */
function pageAccount(context: FlowContext, c: Context): string | undefined {
  if (context.faults.isOn("logged-out")) return undefined;
  const cookies = getCookie(c);
  const session = decodeSessionCookie(cookies);
  if (!session) return undefined;
  const account = context.auth.accountOfAccessToken(session.access_token);
  if (account) return account;
  if (!session.refresh_token) return undefined;
  const result = grant(context, session.refresh_token);
  const renewed = "session" in result ? result.session : undefined;
  const lines = renewed ? sessionSetCookieLines(renewed, cookies) : clearSessionCookieLines(cookies);
  for (const line of lines) c.header("set-cookie", line, { append: true });
  return renewed ? renewed.user.email : undefined;
}

const safeNext = (next: string | undefined) =>
  next?.startsWith("/") && !next.startsWith("//") && next !== "/session" ? next : `/session/${randomUUID()}`;

/** Google sign-in (a stand-in account chooser), sign-out, and Supabase's token endpoint. */
function addSignIn(app: Hono, context: FlowContext): void {
  const { auth } = context;
  app.get("/", (c) => c.redirect("/session"));
  app.get("/login", (c) => {
    context.pageLoad("/login");
    return c.html(flowLoginPage(c.req.query("next") ?? "/session"));
  });
  app.get("/auth/google", (c) => {
    context.pageLoad("/auth/google");
    return c.html(flowChooserPage(c.req.query("next") ?? "/session"));
  });
  app.post("/auth/google/callback", async (c) => {
    const form = await c.req.parseBody();
    const session = auth.issue(String(form.account ?? "producer@example.test"));
    for (const line of sessionSetCookieLines(session, getCookie(c))) c.header("set-cookie", line, { append: true });
    // After sign-in the studio opens on a session of its own: /session/<id>.
    return c.redirect(safeNext(typeof form.next === "string" ? form.next : undefined));
  });
  app.get("/auth/sign-out", (c) => {
    // Supabase's sign-out ends the session on the server too: a copy of this login stops working.
    auth.signOut(decodeSessionCookie(getCookie(c))?.refresh_token);
    for (const line of clearSessionCookieLines(getCookie(c))) c.header("set-cookie", line, { append: true });
    return c.redirect("/login");
  });
  // Supabase's token endpoint: a refresh token for a new session; the old refresh token is then used up.
  app.post("/auth/v1/token", async (c) => {
    if (c.req.query("grant_type") !== "refresh_token")
      return c.json({ error: "unsupported_grant_type", error_description: "Unsupported grant type" }, 400);
    const body = (await c.req.json().catch(() => ({}))) as { refresh_token?: unknown };
    const result = grant(context, typeof body.refresh_token === "string" ? body.refresh_token : undefined);
    if ("refused" in result)
      return c.json({ error: "invalid_grant", error_description: REFUSAL_DESCRIPTIONS[result.refused] }, 400);
    const { session } = result;
    return c.json({ ...session, expires_in: Math.max(0, session.expires_at - Math.floor(Date.now() / 1000)) });
  });
}

/** The signed-in pages: the studio, the library, a song's page, the settings (signed out: to /login). */
function addPages(app: Hono, context: FlowContext): void {
  const { faults, settings, store } = context;
  const pageOptions = (): PageOptions => ({
    statusPollMs: settings.statusPollMs,
    consent: faults.fire("consent-notice"),
    promo: faults.fire("promo-dialog"),
    promoLaterMs: faults.fire("promo-later") ? settings.promoDelayMs : undefined,
    libraryRows: settings.libraryRows,
    menuShape: settings.menuShape,
    models: siteModels(settings.newModels),
  });
  const signedInPage = async (c: Context, path: string, render: (account: string) => string) => {
    context.pageLoad(path);
    if (settings.pageCostMs > 0) await sleep(settings.pageCostMs);
    const account = pageAccount(context, c);
    if (!account) return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`);
    return c.html(render(account));
  };
  const studio = (c: Context) => signedInPage(c, "/session", () => flowStudioPage(pageOptions()));
  app.get("/session", studio);
  app.get("/session/:id", studio);
  app.get("/library/my-songs", (c) => signedInPage(c, "/library/my-songs", () => flowLibraryPage(pageOptions())));
  app.get("/song/:id", (c) =>
    signedInPage(c, "/song", (account) => {
      const clip = store.clips.get(c.req.param("id") ?? "");
      const own = clip?.account === account ? clip : undefined;
      return flowSongPage(pageOptions(), own ? clipAnswer(context, own) : undefined);
    }),
  );
  app.get("/settings", (c) => signedInPage(c, "/settings", (account) => flowSettingsPage(pageOptions(), account)));
}

/** `count` finished songs, older than any made so far, for an account's library (benchmarks). */
function seedLibrary(context: FlowContext, email: string, count: number): void {
  const { settings, store } = context;
  // Numbered on from earlier seeds, so every title is its own.
  const seeded = [...store.clips.values()].filter(
    (clip) => clip.account === email && clip.title.startsWith("Archive Song "),
  ).length;
  const oldest = Math.min(Date.now(), ...[...store.clips.values()].map((clip) => clip.createdAt));
  for (let index = 0; index < count; index += 1) {
    const createdAt = oldest - (index + 1) * 60_000;
    const opId = randomUUID();
    const [shortest, longest] = settings.songDurationSecs;
    const durationSecs = Math.round((shortest + ((longest - shortest) * (index % 10)) / 9) * 10) / 10;
    store.addOperation(
      {
        opId,
        opType: "audio__create_song",
        account: email,
        createdAt,
        startedAt: createdAt,
        readyAt: createdAt,
        clipIds: [],
      },
      [
        {
          id: randomUUID(),
          title: `Archive Song ${seeded + index + 1}`,
          opId,
          opType: "audio__create_song",
          account: email,
          durationSecs,
          audioSecs: Math.min(durationSecs, settings.maxAudioSecs),
          hasAudio: true,
          soundPrompt: `archived song ${seeded + index + 1}`,
          lyricsId: null,
          lyricsText: "",
          seed: index,
          createdAt,
        },
      ],
    );
  }
}

export type FlowApp = ReturnType<typeof createFlowApp>;
