import { randomUUID } from "node:crypto";
import path from "node:path";
import { findBrowserExecutable, type ProducerConfig } from "@producer/config";
import {
  AccountUnavailableError,
  assertAccountRunsHere,
  silentLogger,
  toProducerError,
  type AccountReport,
  type AccountSlots,
  type Logger,
} from "@producer/utils";
import type {
  GeneratedSong,
  GenerateOptions,
  GenerationRequest,
  LibraryPage,
  LibraryQuery,
  OperationRequest,
  SiteTask,
  SiteTaskAnswer,
  SiteTaskOptions,
  SubmissionRecord,
} from "@producer/utils";
import type { MusicGenerator, SessionCheckOptions, SessionStatus } from "@producer/utils";
import { AccountPicker } from "./account-picker.js";
import { AccountSlotGate } from "./account-slots.js";
import { BrowserSession } from "./browser-session.js";
import { ChromiumHost } from "./chromium-host.js";
import { PoolAccount } from "./pool-account.js";

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
  private readonly entries = new Map<string, PoolAccount>();
  private readonly slots = new AccountSlotGate();
  private readonly picker: AccountPicker;
  private readonly logger: Logger;

  constructor(options: AccountPoolOptions) {
    const { config } = options;
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
      const session = new BrowserSession({
        config,
        account,
        host: this.host,
        logger: this.logger.child({ account: account.name }),
      });
      const entry = new PoolAccount(account, session, {
        wallSecs: config.accountPool.wallSecs,
        logger: this.logger,
        onLifted: () => this.slots.wake(),
      });
      this.entries.set(account.name, entry);
    }
    this.picker = new AccountPicker(this.entries, this.slots, config);
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
    return this.picker.get(name).session;
  }

  /**
   * Shares each account's concurrency with every daemon on one database: a job takes a slot of its account there
   * before it runs (renewed while it runs, given back after); an account whose slots other daemons hold counts as
   * busy here.
   */
  useSlots(store: AccountSlots, leaseMs: number): void {
    this.slots.share(store, leaseMs);
  }

  /** Launches Chromium and opens every owned account's context, so the first jobs find them warm. */
  async start(): Promise<void> {
    await Promise.all([...this.entries.values()].filter((entry) => entry.owned).map((entry) => entry.session.start()));
  }

  /**
   * In a fleet, says whether this daemon owns an account. An account it does not own takes no job here, and its
   * context forgets the login at once, so two daemons never refresh one login (which signs both out). Before the
   * first call every account counts as owned; a fleet daemon marks them all unowned before it starts.
   */
  async setOwned(name: string, owned: boolean, reason?: string): Promise<void> {
    const entry = this.picker.get(name);
    entry.owned = owned;
    entry.notOwnedReason = owned ? undefined : reason;
    entry.status = undefined;
    if (owned) this.slots.wake();
    else await entry.session.forgetLogin();
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
    return this.run(options, (session, watched) => session.generate(request, watched));
  }

  /**
   * Runs one song operation on the account named in `options.account` (the one whose library holds the source)
   * or `options.resume.account`; without either, on one picked as for a generation.
   */
  async operate(request: OperationRequest, options: GenerateOptions = {}): Promise<GeneratedSong[]> {
    return this.run(options, (session, watched) => session.operate(request, watched));
  }

  /** One page of an account's library: the named account, else the first this daemon owns; spends nothing. */
  async library(query: LibraryQuery): Promise<LibraryPage> {
    const name = this.ownedAccount(query.account);
    return this.session(name).library({ ...query, account: name });
  }

  /** The named account when this daemon owns it, else the first it owns; ACCOUNT_UNAVAILABLE when neither. */
  private ownedAccount(named: string | undefined): string {
    const owned = [...this.entries.values()].filter((entry) => entry.owned).map((entry) => entry.account.name);
    const name = named ?? owned[0];
    if (!name) {
      throw new AccountUnavailableError("This daemon owns no account now, so it cannot reach the site.", {
        details: { step: "account" },
      });
    }
    assertAccountRunsHere(name, owned);
    return name;
  }

  /** Runs one task that is not a song on the named account, else the first this daemon owns; see `SiteTask`. */
  async runTask(task: SiteTask, options: SiteTaskOptions = {}): Promise<SiteTaskAnswer> {
    return this.session(this.ownedAccount(options.account)).runTask(task, options);
  }

  private async run(
    options: GenerateOptions,
    work: (session: BrowserSession, options: GenerateOptions) => Promise<GeneratedSong[]>,
  ): Promise<GeneratedSong[]> {
    const pinned = options.resume?.account ?? options.account;
    // Not NOT_FOUND: the job waits for a daemon that runs its account.
    assertAccountRunsHere(pinned, [...this.entries.keys()]);
    const tried = new Set<string>();
    for (;;) {
      const holder = randomUUID();
      const entry = pinned
        ? await this.picker.pinned(pinned, holder, options.signal)
        : await this.picker.pick(tried, holder, options.signal);
      let record: SubmissionRecord | undefined = options.resume;
      entry.running += 1;
      entry.lastUsed = Date.now();
      const giveBack = this.slots.hold(holder);
      try {
        const songs = await work(entry.session, {
          ...options,
          onSubmission: async (next) => {
            record = { ...next, account: entry.account.name };
            await options.onSubmission?.(record);
          },
        });
        entry.generations += 1;
        entry.noteCredits(record);
        return songs;
      } catch (error) {
        const failure = toProducerError(error);
        if (!entry.noteFailure(failure)) throw failure;
        const submitted = record !== undefined && record.state !== "refused";
        if (submitted || pinned) {
          // The songs (or the job) belong to this account: the job waits for it rather than paying elsewhere.
          throw entry.walledError(failure);
        }
        this.logger.warn(
          { account: entry.account.name, code: failure.code },
          "nothing was submitted; moving the job to another account",
        );
        tried.add(entry.account.name);
      } finally {
        await giveBack();
        entry.running -= 1;
        this.slots.wake();
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
        entry.liftExpired(now);
        if (!entry.owned || entry.paused || entry.wall) return;
        const status = await entry.session.checkSession(options).catch((error: unknown) => {
          const failure = toProducerError(error);
          return { valid: false, code: failure.code, reason: failure.message, checkedAt } satisfies SessionStatus;
        });
        entry.noteStatus(status);
      }),
    );
    const usable = [...this.entries.values()].filter((entry) => entry.usable());
    if (usable.length > 0) {
      const best = usable.reduce((a, b) => ((a.credits ?? 0) >= (b.credits ?? 0) ? a : b));
      return {
        valid: true,
        reason: `${usable.length} of ${this.entries.size} accounts can take jobs (${usable.map((entry) => entry.account.name).join(", ")}).`,
        checkedAt,
        ...(best.credits !== undefined ? { credits: best.credits } : {}),
        ...(best.status?.expiresAt
          ? { expiresAt: best.status.expiresAt, expiresInSecs: best.status.expiresInSecs ?? 0 }
          : {}),
      };
    }
    const error = this.picker.noAccountError();
    return { valid: false, code: error.code, reason: error.message, checkedAt };
  }

  /** Every account: session, balance, wall, jobs running, and what it has done. */
  accounts(): AccountReport[] {
    const now = Date.now();
    return [...this.entries.values()].map((entry) => entry.report(now));
  }

  /** Stops giving an account new jobs (running ones finish). */
  pause(name: string): AccountReport {
    this.picker.get(name).paused = true;
    return this.report(name);
  }

  resume(name: string): AccountReport {
    this.picker.get(name).paused = false;
    this.slots.wake();
    return this.report(name);
  }

  /** Takes an account from behind its wall now (after fixing what walled it). */
  unwall(name: string): AccountReport {
    const entry = this.picker.get(name);
    if (entry.wall) entry.lift("lifted by request");
    return this.report(name);
  }

  async close(): Promise<void> {
    this.slots.wake();
    await Promise.all(this.sessions.map((session) => session.close()));
    await this.host.close();
  }

  private report(name: string): AccountReport {
    return this.accounts().find((account) => account.name === name) as AccountReport;
  }
}
