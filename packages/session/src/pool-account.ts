import type { AccountConfig } from "@producer/config";
import {
  AccountWalledError,
  ProducerError,
  type AccountReport,
  type AccountWall,
  type Logger,
  type SessionStatus,
  type SubmissionRecord,
} from "@producer/utils";
import type { BrowserSession } from "./browser-session.js";

/** What puts an account behind a wall: the account is unusable for a while, the others go on. */
const WALL_CODES = new Set(["SESSION_EXPIRED", "SESSION_REVOKED", "CHALLENGE", "QUOTA_EXHAUSTED", "LOGIN_FAILED"]);
/** Walls a new login state lifts at once. */
const LOGIN_WALLS = new Set(["SESSION_EXPIRED", "SESSION_REVOKED", "CHALLENGE", "LOGIN_FAILED"]);

const isRateLimit = (error: ProducerError) => error.details.httpStatus === 429;

export interface PoolAccountOptions {
  /** How long a wall stands. */
  wallSecs: number;
  logger: Logger;
  /** Told when a wall comes down: a job waiting for a slot may take this account now. */
  onLifted: () => void;
}

/**
 * One account of the pool and how it stands: paused or not, behind a wall (and until when) or not, its session
 * as last checked, its balance as last read, the jobs it runs now, and what it has done.
 */
export class PoolAccount {
  paused: boolean;
  running = 0;
  lastUsed = 0;
  status: SessionStatus | undefined;
  credits: number | undefined;
  creditsReadAt = 0;
  wall: AccountWall | undefined;
  generations = 0;
  readonly failures: Record<string, number> = {};
  creditsSpent = 0;
  /**
   * In a fleet (PostgreSQL), whether this daemon owns the account now: only the owner opens it, refreshes its
   * login and runs its jobs. Always true alone.
   */
  owned = true;
  /** Why this daemon does not own it, when it does not (another daemon does, or its login was refused). */
  notOwnedReason: string | undefined;

  constructor(
    readonly account: AccountConfig,
    readonly session: BrowserSession,
    private readonly options: PoolAccountOptions,
  ) {
    this.paused = account.paused;
    // A new login state for an account lifts its login walls at once.
    session.onLoginStateChanged(() => {
      if (this.wall && LOGIN_WALLS.has(this.wall.code)) this.lift("a new login state was taken in");
      this.status = undefined;
    });
  }

  get name(): string {
    return this.account.name;
  }

  /** Signed in (or not known otherwise), not walled, not paused, and with a balance of at least one generation. */
  usable(): boolean {
    if (!this.owned || this.paused || this.wall || this.status?.valid === false) return false;
    const price = this.account.site.creditsPerSong * this.account.site.songsPerGeneration;
    return this.credits === undefined || this.credits >= price;
  }

  /** Takes in a session check: its balance (when newer than the one known), and a wall when it says so. */
  noteStatus(status: SessionStatus): void {
    this.status = status;
    // A cached check can be older than the balance a job has read since: the newer reading wins.
    const readAt = Date.parse(status.checkedAt);
    if (status.credits !== undefined && readAt >= this.creditsReadAt) {
      this.credits = status.credits;
      this.creditsReadAt = readAt;
    }
    if (!status.valid && status.code && WALL_CODES.has(status.code)) {
      this.wallOff(new ProducerError(status.code as never, status.reason));
    }
  }

  /** Takes in a finished generation: the balance after it, and what it cost. */
  noteCredits(record: SubmissionRecord | undefined): void {
    if (record?.creditsAfter !== undefined) {
      this.credits = record.creditsAfter;
      this.creditsReadAt = Date.now();
      if (record.creditsBefore !== undefined)
        this.creditsSpent += Math.max(0, record.creditsBefore - record.creditsAfter);
    }
    this.status = this.status ? { ...this.status, valid: true } : undefined;
  }

  /** Counts a failed job, and walls the account when the failure says it cannot go on; true when it walled it. */
  noteFailure(failure: ProducerError): boolean {
    failure.details.account ??= this.name;
    this.failures[failure.code] = (this.failures[failure.code] ?? 0) + 1;
    const walls = WALL_CODES.has(failure.code) || isRateLimit(failure);
    if (walls) this.wallOff(failure);
    return walls;
  }

  liftExpired(now: number): void {
    if (this.wall && Date.parse(this.wall.until) <= now) this.lift("its time is up");
  }

  lift(why: string): void {
    this.options.logger.info({ account: this.name, code: this.wall?.code, why }, "account wall lifted");
    this.wall = undefined;
    // What walled it may have changed: the session and the balance are read again before it is picked.
    this.status = undefined;
    this.creditsReadAt = 0;
    this.options.onLifted();
  }

  /** The error of a job that must run on this account while it is walled: it waits for the wall to come down. */
  walledError(cause?: ProducerError): AccountWalledError {
    const wall = this.wall as AccountWall;
    return new AccountWalledError(
      `The job must run on account ${this.name}, which is behind a wall (${wall.code}: ${wall.reason.replace(/\.$/, "")}) until ${wall.until}; it waits for it. ${LOGIN_WALLS.has(wall.code) ? `Import a new login state for ${this.name} to go on sooner.` : ""}`.trim(),
      {
        cause,
        details: {
          ...(cause?.details ?? {}),
          account: this.name,
          wall: { ...wall },
          retryAfterMs: Math.max(0, Date.parse(wall.until) - Date.now()),
        },
      },
    );
  }

  /** Why the account cannot take a job now, in a few words, for `NO_ACCOUNT`. */
  whyNot(failedThisJob: boolean): string {
    return !this.owned
      ? `not owned by this daemon (${this.notOwnedReason ?? "another daemon owns it"})`
      : this.paused
        ? "paused"
        : this.wall
          ? `walled (${this.wall.code}) until ${this.wall.until}`
          : this.status?.valid === false
            ? `not signed in (${this.status.code ?? "unknown"})`
            : failedThisJob
              ? "failed this job"
              : `out of credits (${this.credits ?? 0})`;
  }

  /** Session, balance, wall, jobs running, and what it has done; a wall whose time is up is lifted first. */
  report(now: number): AccountReport {
    this.liftExpired(now);
    const expiresAt = this.status?.expiresAt ?? null;
    return {
      name: this.name,
      paused: this.paused,
      weight: this.account.weight,
      maxConcurrency: this.account.maxConcurrency,
      running: this.running,
      signedIn: this.status ? this.status.valid : null,
      sessionExpiresAt: expiresAt,
      sessionExpiresInSecs: expiresAt ? Math.max(0, Math.round((Date.parse(expiresAt) - now) / 1000)) : null,
      credits: this.credits ?? null,
      creditsReadAt: this.creditsReadAt > 0 ? new Date(this.creditsReadAt).toISOString() : null,
      wall: this.wall ?? null,
      generations: this.generations,
      failures: { ...this.failures },
      creditsSpent: this.creditsSpent,
      lastUsedAt: this.lastUsed > 0 ? new Date(this.lastUsed).toISOString() : null,
      ...(this.owned ? {} : { notOwnedReason: this.notOwnedReason ?? "another daemon owns it" }),
    };
  }

  private wallOff(failure: ProducerError): void {
    const code = isRateLimit(failure) ? "RATE_LIMITED" : failure.code;
    const since = new Date();
    this.wall = {
      code,
      reason: failure.message,
      since: since.toISOString(),
      until: new Date(since.getTime() + this.options.wallSecs * 1000).toISOString(),
    };
    if (code === "QUOTA_EXHAUSTED") this.credits = Number(failure.details.credits ?? 0);
    this.options.logger.warn({ account: this.name, code, until: this.wall.until }, "account walled");
  }
}
