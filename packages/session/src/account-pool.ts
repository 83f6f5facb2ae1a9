import { randomUUID } from "node:crypto";
import path from "node:path";
import { findBrowserExecutable, type AccountConfig, type ProducerConfig } from "@producer/config";
import {
  AccountWalledError,
  abortReason,
  NoAccountError,
  NotFoundError,
  ProducerError,
  silentLogger,
  toProducerError,
  type GeneratedSong,
  type GenerateOptions,
  type GenerationRequest,
  type Logger,
  type MusicGenerator,
  type AccountReport,
  type AccountSlots,
  type AccountWall,
  type SessionCheckOptions,
  type SessionStatus,
  type SubmissionRecord,
} from "@producer/utils";
import { BrowserSession } from "./browser-session.js";
import { ChromiumHost } from "./chromium-host.js";

/** What puts an account behind a wall: the account is unusable for a while, the others go on. */
const WALL_CODES = new Set(["SESSION_EXPIRED", "CHALLENGE", "QUOTA_EXHAUSTED", "LOGIN_FAILED"]);
/** Walls a new login state lifts at once. */
const LOGIN_WALLS = new Set(["SESSION_EXPIRED", "CHALLENGE", "LOGIN_FAILED"]);

const isRateLimit = (error: ProducerError) => error.details.httpStatus === 429;

/** How often a job waiting for an account whose slots other daemons hold asks the database again. */
const SHARED_SLOT_RECHECK_MS = 250;

interface Entry {
  account: AccountConfig;
  session: BrowserSession;
  paused: boolean;
  running: number;
  lastUsed: number;
  status: SessionStatus | undefined;
  credits: number | undefined;
  creditsReadAt: number;
  wall: AccountWall | undefined;
  generations: number;
  failures: Record<string, number>;
  creditsSpent: number;
}

export interface AccountPoolOptions {
  config: ProducerConfig;
  logger?: Logger;
}

/**
 * Several accounts in one Chromium, one context each (cookies never cross). A job runs on the account it names,
 * on the account that holds its earlier submission, or else on one picked among the usable ones — signed in, not
 * walled, not paused, with a balance of at least one generation (re-read when older than
 * `accountPool.creditsMaxAgeSecs`) — the least recently used, weighted. A session expiry, a challenge, an empty
 * balance or a rate limit walls that account for `accountPool.wallSecs`; a job that failed so before its prompt
 * was submitted moves to another account. Only when no account is usable does a job fail with `NO_ACCOUNT`, which
 * pauses the queue and names every wall.
 */
export class AccountPool implements MusicGenerator {
  readonly host: ChromiumHost;
  private readonly entries = new Map<string, Entry>();
  private readonly slotWaiters = new Set<() => void>();
  private readonly logger: Logger;
  private readonly config: ProducerConfig;
  /** Slots shared with the other daemons on the database, once `useSlots` was called. */
  private slots: { store: AccountSlots; leaseMs: number } | undefined;

  constructor(options: AccountPoolOptions) {
    const { config } = options;
    this.config = config;
    this.logger = options.logger ?? silentLogger;
    this.host = new ChromiumHost({
      executablePath: findBrowserExecutable(config),
      headless: config.browser.headless,
      args: config.browser.args,
      launchTimeoutMs: config.browser.launchTimeoutMs,
      workDir: path.join(config.paths.dataDir, "browser"),
      logger: this.logger.child({ component: "chromium" }),
    });
    for (const account of config.accounts) {
      const session = new BrowserSession({ config, account, host: this.host, logger: this.logger.child({ account: account.name }) });
      const entry: Entry = {
        account,
        session,
        paused: account.paused,
        running: 0,
        lastUsed: 0,
        status: undefined,
        credits: undefined,
        creditsReadAt: 0,
        wall: undefined,
        generations: 0,
        failures: {},
        creditsSpent: 0,
      };
      // A new login state for an account lifts its login walls at once.
      session.onLoginStateChanged(() => {
        if (entry.wall && LOGIN_WALLS.has(entry.wall.code)) this.lift(entry, "a new login state was taken in");
        entry.status = undefined;
      });
      this.entries.set(account.name, entry);
    }
  }

  /** Every account's session, in the configured order. */
  get sessions(): BrowserSession[] {
    return [...this.entries.values()].map((entry) => entry.session);
  }

  /** Every account's login secrets (`BrowserSession.loginSecrets()`), for `artifactHoldsSecret`. */
  async loginSecrets(): Promise<string[]> {
    const all = await Promise.all(this.sessions.map((session) => session.loginSecrets()));
    return [...new Set(all.flat())];
  }

  /** The session of one account; NOT_FOUND names the known ones. */
  session(name: string): BrowserSession {
    return this.entry(name).session;
  }

  /**
   * Shares each account's concurrency with every daemon on one database: a job takes a slot of its account there
   * before it runs (renewed while it runs, given back after); an account whose slots other daemons hold counts as
   * busy here.
   */
  useSlots(store: AccountSlots, leaseMs: number): void {
    this.slots = { store, leaseMs };
  }

  /** Launches Chromium and opens every account's context, so the first jobs find them warm. */
  async start(): Promise<void> {
    await Promise.all(this.sessions.map((session) => session.start()));
  }

  /** Watches every account's login state file for a new state written by another process. */
  watchLoginStates(): void {
    for (const session of this.sessions) session.watchLoginState();
  }

  /** Called whenever any account takes in a new login state. */
  onLoginStateChanged(listener: () => void): void {
    for (const session of this.sessions) session.onLoginStateChanged(listener);
  }

  async generate(request: GenerationRequest, options: GenerateOptions = {}): Promise<GeneratedSong[]> {
    const pinned = options.resume?.account ?? options.account;
    const tried = new Set<string>();
    for (;;) {
      const holder = randomUUID();
      const entry = pinned ? await this.pinned(pinned, holder, options.signal) : await this.pick(tried, holder, options.signal);
      let record: SubmissionRecord | undefined = options.resume;
      entry.running += 1;
      entry.lastUsed = Date.now();
      const renewal = this.slots ? setInterval(() => void this.slots?.store.renew(holder, this.slots.leaseMs).catch(() => undefined), this.slots.leaseMs / 3) : undefined;
      renewal?.unref();
      try {
        const songs = await entry.session.generate(request, {
          ...options,
          onSubmission: async (next) => {
            record = { ...next, account: entry.account.name };
            await options.onSubmission?.(record);
          },
        });
        entry.generations += 1;
        this.noteCredits(entry, record);
        return songs;
      } catch (error) {
        const failure = toProducerError(error);
        failure.details.account ??= entry.account.name;
        entry.failures[failure.code] = (entry.failures[failure.code] ?? 0) + 1;
        const walls = WALL_CODES.has(failure.code) || isRateLimit(failure);
        if (!walls) throw failure;
        this.wallOff(entry, failure);
        const submitted = record !== undefined && record.state !== "refused";
        if (submitted || pinned) {
          // The songs (or the job) belong to this account: the job waits for it rather than paying elsewhere.
          throw this.walledError(entry, failure);
        }
        this.logger.warn({ account: entry.account.name, code: failure.code }, "nothing was submitted; moving the job to another account");
        tried.add(entry.account.name);
      } finally {
        clearInterval(renewal);
        await this.slots?.store.release(holder).catch(() => undefined);
        entry.running -= 1;
        for (const wake of [...this.slotWaiters]) wake();
      }
    }
  }

  /**
   * Usable when at least one account is: each account's session is checked (cached per account; walled and
   * paused accounts are not opened), its balance noted, and walls whose time is up are lifted.
   */
  async checkSession(options: SessionCheckOptions = {}): Promise<SessionStatus> {
    const checkedAt = new Date().toISOString();
    const now = Date.now();
    await Promise.all(
      [...this.entries.values()].map(async (entry) => {
        this.liftExpired(entry, now);
        if (entry.paused || entry.wall) return;
        const status = await entry.session.checkSession(options).catch((error: unknown) => {
          const failure = toProducerError(error);
          return { valid: false, code: failure.code, reason: failure.message, checkedAt } satisfies SessionStatus;
        });
        this.noteStatus(entry, status);
      }),
    );
    const usable = [...this.entries.values()].filter((entry) => this.usable(entry));
    if (usable.length > 0) {
      const best = usable.reduce((a, b) => ((a.credits ?? 0) >= (b.credits ?? 0) ? a : b));
      return {
        valid: true,
        reason: `${usable.length} of ${this.entries.size} accounts can take jobs (${usable.map((entry) => entry.account.name).join(", ")}).`,
        checkedAt,
        ...(best.credits !== undefined ? { credits: best.credits } : {}),
        ...(best.status?.expiresAt ? { expiresAt: best.status.expiresAt, expiresInSecs: best.status.expiresInSecs ?? 0 } : {}),
      };
    }
    const error = this.noAccountError();
    return { valid: false, code: error.code, reason: error.message, checkedAt };
  }

  /** Every account: session, balance, wall, jobs running, and what it has done. */
  accounts(): AccountReport[] {
    const now = Date.now();
    return [...this.entries.values()].map((entry) => {
      this.liftExpired(entry, now);
      const expiresAt = entry.status?.expiresAt ?? null;
      return {
        name: entry.account.name,
        paused: entry.paused,
        weight: entry.account.weight,
        maxConcurrency: entry.account.maxConcurrency,
        running: entry.running,
        signedIn: entry.status ? entry.status.valid : null,
        sessionExpiresAt: expiresAt,
        sessionExpiresInSecs: expiresAt ? Math.max(0, Math.round((Date.parse(expiresAt) - now) / 1000)) : null,
        credits: entry.credits ?? null,
        creditsReadAt: entry.creditsReadAt > 0 ? new Date(entry.creditsReadAt).toISOString() : null,
        wall: entry.wall ?? null,
        generations: entry.generations,
        failures: { ...entry.failures },
        creditsSpent: entry.creditsSpent,
        lastUsedAt: entry.lastUsed > 0 ? new Date(entry.lastUsed).toISOString() : null,
      };
    });
  }

  /** Stops giving an account new jobs (running ones finish). */
  pause(name: string): AccountReport {
    this.entry(name).paused = true;
    return this.report(name);
  }

  resume(name: string): AccountReport {
    const entry = this.entry(name);
    entry.paused = false;
    for (const wake of [...this.slotWaiters]) wake();
    return this.report(name);
  }

  /** Takes an account from behind its wall now (after fixing what walled it). */
  unwall(name: string): AccountReport {
    const entry = this.entry(name);
    if (entry.wall) this.lift(entry, "lifted by request");
    return this.report(name);
  }

  async close(): Promise<void> {
    for (const wake of [...this.slotWaiters]) wake();
    await Promise.all(this.sessions.map((session) => session.close()));
    await this.host.close();
  }

  private report(name: string): AccountReport {
    return this.accounts().find((account) => account.name === name) as AccountReport;
  }

  private entry(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) {
      throw new NotFoundError(`There is no account ${JSON.stringify(name)}; the accounts are ${[...this.entries.keys()].join(", ")}.`, {
        details: { account: name },
      });
    }
    return entry;
  }

  /** The account a job must run on, once it has a free slot; walled, it says until when. */
  private async pinned(name: string, holder: string, signal: AbortSignal | undefined): Promise<Entry> {
    const entry = this.entry(name);
    for (;;) {
      if (signal?.aborted) throw abortReason(signal);
      this.liftExpired(entry, Date.now());
      if (entry.wall) throw this.walledError(entry);
      if (await this.takeSlot(entry, holder)) return entry;
      await this.slotFreed(signal);
    }
  }

  /** A slot of the account: free here, and (with shared slots) free across the daemons on the database. */
  private async takeSlot(entry: Entry, holder: string): Promise<boolean> {
    if (entry.running >= entry.account.maxConcurrency) return false;
    if (!this.slots) return true;
    return this.slots.store.take(entry.account.name, entry.account.maxConcurrency, holder, this.slots.leaseMs);
  }

  /** Picks a usable account with a free slot, waiting for a slot when every usable one is busy. */
  private async pick(tried: Set<string>, holder: string, signal: AbortSignal | undefined): Promise<Entry> {
    for (;;) {
      if (signal?.aborted) throw abortReason(signal);
      const now = Date.now();
      // A failed check that walled nothing (a timeout, a crash) is trusted for session.checkCacheSecs, then retried.
      const checkAgeMs = this.config.session.checkCacheSecs * 1000;
      const failedLately = (entry: Entry) =>
        entry.status?.valid === false && now - Date.parse(entry.status.checkedAt) < checkAgeMs;
      const candidates = [...this.entries.values()].filter((entry) => {
        this.liftExpired(entry, now);
        return !tried.has(entry.account.name) && !entry.paused && !entry.wall && !failedLately(entry);
      });
      // A balance too old to trust, or a check that failed, is read again first.
      const maxAgeMs = this.config.accountPool.creditsMaxAgeSecs * 1000;
      await Promise.all(
        candidates
          .filter((entry) => entry.running === 0 && (now - entry.creditsReadAt > maxAgeMs || entry.status?.valid === false))
          .map(async (entry) => {
            const status = await entry.session.checkSession({ force: true, ...(signal ? { signal } : {}) });
            this.noteStatus(entry, status);
          }),
      );
      const usable = candidates.filter((entry) => this.usable(entry));
      if (usable.length === 0) throw this.noAccountError(tried);
      // Least recently used, weighted: the longest idle for its weight goes first, if it has a free slot.
      const ranked = usable
        .filter((entry) => entry.running < entry.account.maxConcurrency)
        .sort((a, b) => (now - b.lastUsed) * b.account.weight - (now - a.lastUsed) * a.account.weight);
      for (const entry of ranked) if (await this.takeSlot(entry, holder)) return entry;
      await this.slotFreed(signal);
    }
  }

  private usable(entry: Entry): boolean {
    if (entry.paused || entry.wall || entry.status?.valid === false) return false;
    const price = entry.account.site.creditsPerSong * entry.account.site.songsPerGeneration;
    return entry.credits === undefined || entry.credits >= price;
  }

  /** Resolves when a slot may have freed: one of ours, or (with shared slots) soon enough to ask the database again. */
  private slotFreed(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = this.slots ? setTimeout(() => done(), SHARED_SLOT_RECHECK_MS) : undefined;
      const done = () => {
        clearTimeout(timer);
        this.slotWaiters.delete(done);
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        clearTimeout(timer);
        this.slotWaiters.delete(done);
        reject(abortReason(signal as AbortSignal));
      };
      this.slotWaiters.add(done);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Takes in a session check: its balance (when newer than the one known), and a wall when it says so. */
  private noteStatus(entry: Entry, status: SessionStatus): void {
    entry.status = status;
    // A cached check can be older than the balance a job has read since: the newer reading wins.
    const readAt = Date.parse(status.checkedAt);
    if (status.credits !== undefined && readAt >= entry.creditsReadAt) {
      entry.credits = status.credits;
      entry.creditsReadAt = readAt;
    }
    if (!status.valid && status.code && WALL_CODES.has(status.code)) {
      this.wallOff(entry, new ProducerError(status.code as never, status.reason));
    }
  }

  private noteCredits(entry: Entry, record: SubmissionRecord | undefined): void {
    if (record?.creditsAfter !== undefined) {
      entry.credits = record.creditsAfter;
      entry.creditsReadAt = Date.now();
      if (record.creditsBefore !== undefined) entry.creditsSpent += Math.max(0, record.creditsBefore - record.creditsAfter);
    }
    entry.status = entry.status ? { ...entry.status, valid: true } : undefined;
  }

  private wallOff(entry: Entry, failure: ProducerError): void {
    const code = isRateLimit(failure) ? "RATE_LIMITED" : failure.code;
    const since = new Date();
    entry.wall = {
      code,
      reason: failure.message,
      since: since.toISOString(),
      until: new Date(since.getTime() + this.config.accountPool.wallSecs * 1000).toISOString(),
    };
    if (code === "QUOTA_EXHAUSTED") entry.credits = Number(failure.details.credits ?? 0);
    this.logger.warn({ account: entry.account.name, code, until: entry.wall.until }, "account walled");
  }

  private liftExpired(entry: Entry, now: number): void {
    if (entry.wall && Date.parse(entry.wall.until) <= now) this.lift(entry, "its time is up");
  }

  private lift(entry: Entry, why: string): void {
    this.logger.info({ account: entry.account.name, code: entry.wall?.code, why }, "account wall lifted");
    entry.wall = undefined;
    // What walled it may have changed: the session and the balance are read again before it is picked.
    entry.status = undefined;
    entry.creditsReadAt = 0;
    for (const wake of [...this.slotWaiters]) wake();
  }

  private walledError(entry: Entry, cause?: ProducerError): AccountWalledError {
    const wall = entry.wall as AccountWall;
    return new AccountWalledError(
      `The job must run on account ${entry.account.name}, which is behind a wall (${wall.code}: ${wall.reason.replace(/\.$/, "")}) until ${wall.until}; it waits for it. ${LOGIN_WALLS.has(wall.code) ? `Import a new login state for ${entry.account.name} to go on sooner.` : ""}`.trim(),
      {
        cause,
        details: {
          ...(cause?.details ?? {}),
          account: entry.account.name,
          wall: { ...wall },
          retryAfterMs: Math.max(0, Date.parse(wall.until) - Date.now()),
        },
      },
    );
  }

  private noAccountError(tried: Set<string> = new Set()): NoAccountError {
    const accounts = [...this.entries.values()].map((entry) => ({
      name: entry.account.name,
      state: entry.paused
        ? "paused"
        : entry.wall
          ? `walled (${entry.wall.code}) until ${entry.wall.until}`
          : entry.status?.valid === false
            ? `not signed in (${entry.status.code ?? "unknown"})`
            : tried.has(entry.account.name)
              ? "failed this job"
              : `out of credits (${entry.credits ?? 0})`,
    }));
    return new NoAccountError(
      `No account can take a job now: ${accounts.map((account) => `${account.name} ${account.state}`).join("; ")}.`,
      { details: { accounts } },
    );
  }
}
