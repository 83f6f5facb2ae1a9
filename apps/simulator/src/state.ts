import { randomBytes } from "node:crypto";
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { AudioCache, type SimulatedFormat, type SimulatedGeneration, type SimulatedSong } from "./catalog.js";
import { FaultSwitchboard } from "./faults.js";
import { emptyFlowStats, type FlowStats, type ServedAudio } from "./flow-app.js";
import type { SimulatorSettings } from "./settings.js";

/** The auth cookie's name, shaped like the real site's Supabase cookie. */
export const AUTH_COOKIE = "sb-simulator-auth-token";

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

/**
 * What the simulator holds while it runs, shared by its apps and its admin API: the settings (live), the faults,
 * the counters, the audio made so far, and the 2025 page's sign-ins and generations (the 2026 app keeps its own
 * accounts and clips: `flow-app.ts`).
 */
export class SimulatorState {
  readonly faults = new FaultSwitchboard();
  readonly audio = new AudioCache();
  /** Requests held open (the `download-never` fault): each releases itself, and closing releases them all. */
  readonly heldRequests = new Set<() => void>();
  /** The 2025 page's sign-ins, by the token in their cookie. */
  readonly sessions = new Map<string, { email: string; expiresAt: number }>();
  /** The 2025 page's generations, by id. */
  readonly generations = new Map<string, SimulatedGeneration>();
  stats = emptyStats();
  /** The 2025 page's generations that have shown the `overlay` fault's dialog (once each). */
  overlayShown = new Set<string>();

  constructor(readonly settings: SimulatorSettings) {}

  countPageLoad(path: string): void {
    this.stats.pageLoads[path] = (this.stats.pageLoads[path] ?? 0) + 1;
  }

  resetStats(): void {
    this.stats = emptyStats();
    this.overlayShown = new Set();
  }

  /** A 2025 sign-in for `email`, living `ttlSecs` (the setting by default): the token for its cookie. */
  newSession(email: string, ttlSecs = this.settings.sessionTtlSecs): { token: string; expiresAt: number } {
    const token = randomBytes(24).toString("base64url");
    const expiresAt = Date.now() + ttlSecs * 1000;
    this.sessions.set(token, { email, expiresAt });
    return { token, expiresAt };
  }

  /** Whether the request carries a live 2025 sign-in (never while the `logged-out` fault is on). */
  signedIn(c: Context): boolean {
    const token = getCookie(c, AUTH_COOKIE);
    const session = token ? this.sessions.get(token) : undefined;
    return session !== undefined && session.expiresAt > Date.now() && !this.faults.isOn("logged-out");
  }

  /** Ends every 2025 sign-in, or those of one email. */
  expireSessions(email?: string): void {
    for (const session of this.sessions.values())
      if (email === undefined || session.email === email) session.expiresAt = 0;
  }

  songById(id: string): SimulatedSong | undefined {
    for (const generation of this.generations.values()) {
      const song = generation.songs.find((candidate) => candidate.id === id);
      if (song) return song;
    }
    return undefined;
  }

  /** Holds a request open until the page goes away (`signal`) or the simulator closes. */
  hold(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const release = () => {
        this.heldRequests.delete(release);
        resolve();
      };
      this.heldRequests.add(release);
      signal.addEventListener("abort", release, { once: true });
    });
  }

  releaseHeldRequests(): void {
    for (const release of [...this.heldRequests]) release();
  }
}
