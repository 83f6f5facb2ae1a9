import fs from "node:fs";
import path from "node:path";
import { ensureDataDirs, findBrowserExecutable, type AccountConfig, type ProducerConfig } from "@producer/config";
import {
  assertAccountRunsHere,
  DisabledError,
  silentLogger,
  type StepTotals,
  toProducerError,
  type GeneratedSong,
  type GenerateOptions,
  type GenerationRequest,
  type LibraryPage,
  type LibraryQuery,
  type Logger,
  type MusicGenerator,
  type OperationRequest,
  type SessionCheckOptions,
  type SessionStatus,
  type SiteTask,
  type SiteTaskAnswer,
  type SiteTaskOptions,
} from "@producer/utils";
import { BrowserPool } from "./browser-pool.js";
import type { ChromiumHost } from "./chromium-host.js";
import { revokedStatus, sessionRevokedError } from "./login-revocation.js";
import { normalizeLoginState, type LoginState } from "./login-state.js";
import { watchLoginFile } from "./login-file-watch.js";
import { SessionProbe, statusFrom } from "./session-probe.js";
import { SignInCoordinator } from "./sign-in.js";
import { SiteChecker, type SiteCheckReport, withDrift } from "./site-check.js";
import { SiteDriver } from "./site-driver.js";
import { PageTraffic } from "./page-traffic.js";
import { driftSince, type ShapeDriftRecorder, shapeDriftOf } from "./shape-drift.js";
import { SubmissionPacer } from "./submission-pacer.js";

export interface BrowserSessionOptions {
  config: ProducerConfig;
  logger?: Logger;
  /** The account this session signs in as; the config's first (in a single-account setup, `default`). */
  account?: AccountConfig;
  /** A Chromium shared with other accounts' sessions; the session launches its own when none is given. */
  host?: ChromiumHost;
}

/** Error codes that say the session itself is unusable, so a cached "valid" must be forgotten. */
const SESSION_CODES = new Set(["SESSION_EXPIRED", "SESSION_REVOKED", "CHALLENGE", "LOGIN_FAILED", "QUOTA_EXHAUSTED"]);

/**
 * The warm, signed-in browser for one account: the `MusicGenerator` that `@producer/core` runs jobs on.
 * Owns a `BrowserPool`, the site driver, pacing between submissions, automatic re-login when credentials are
 * configured, and a cached session check.
 */
export class BrowserSession implements MusicGenerator, AsyncDisposable {
  readonly pool: BrowserPool;
  readonly signIn: SignInCoordinator | undefined;
  private readonly driver: SiteDriver;
  /** How the site's answers differed from the profile's shapes in this process (logged once each). */
  readonly shapeDrift: ShapeDriftRecorder;
  private readonly prober: SessionProbe;
  private readonly config: ProducerConfig;
  /** Which account this is: its login state file, its site and its page count. */
  readonly account: AccountConfig;
  private readonly logger: Logger;
  private cachedStatus: { status: SessionStatus; at: number } | undefined;
  private lastCredits: { credits: number; at: string } | undefined;
  private readonly stateListeners = new Set<() => void>();
  private stopWatching: (() => void) | undefined;

  /** Each page step's time over this account's finished generations (open, compose, submit, …). */
  get pageSteps(): StepTotals {
    return this.driver.pageSteps;
  }

  constructor(options: BrowserSessionOptions) {
    const { config } = options;
    if (!config.enabled) throw new DisabledError();
    this.config = config;
    this.account = options.account ?? (config.accounts[0] as AccountConfig);
    this.logger = options.logger ?? silentLogger;
    ensureDataDirs(config);
    fs.mkdirSync(path.dirname(this.account.stateFile), { recursive: true, mode: 0o700 });
    this.pool = new BrowserPool({
      executablePath: findBrowserExecutable(config),
      headless: config.browser.headless,
      args: config.browser.args,
      pageCount: this.account.maxConcurrency,
      ...(options.host ? { host: options.host } : {}),
      recycleAfterGenerations: config.browser.recycleAfterGenerations,
      renewContextAfterGenerations: config.browser.renewContextAfterGenerations,
      idleCloseSecs: config.browser.idleCloseSecs,
      launchTimeoutMs: config.browser.launchTimeoutMs,
      stateFile: this.account.stateFile,
      authRefreshPath: this.account.site.api.authRefresh,
      trace: config.browser.trace,
      workDir: path.join(config.paths.dataDir, "browser"),
      logger: this.logger.child({ component: "browser-pool" }),
    });
    this.pool.on("loginRevoked", (revocation) => {
      this.cachedStatus = { status: revokedStatus(revocation), at: Date.now() };
    });
    // The configured credentials belong to the single account of a single-account setup.
    const { email, password } = config.session;
    this.signIn =
      email && password && !this.account.declared
        ? new SignInCoordinator({
            site: this.account.site,
            credentials: { email, password },
            pool: this.pool,
            logger: this.logger,
          })
        : undefined;
    this.shapeDrift = shapeDriftOf(this.account.site, this.logger.child({ component: "site-driver" }));
    this.driver = new SiteDriver({
      site: this.account.site,
      pool: this.pool,
      pacer: new SubmissionPacer({
        minMs: this.account.site.pacing.submitGapMinMs,
        maxMs: this.account.site.pacing.submitGapMaxMs,
      }),
      downloadsDir: config.paths.downloadsDir,
      artifactsDir: config.paths.artifactsDir,
      studioReuseMs: config.browser.studioReuseMs,
      signIn: this.signIn,
      logger: this.logger.child({ component: "site-driver" }),
    });
    this.prober = new SessionProbe({
      pool: this.pool,
      driver: this.driver,
      account: this.account,
      signIn: this.signIn,
      expiryWarningSecs: config.session.expiryWarningSecs,
      logger: this.logger,
    });
  }

  /** Launches Chromium now, so the first job finds it warm. */
  async start(): Promise<void> {
    await this.pool.start();
  }

  /** The balance the site showed last, after a generation or a session check, and when. */
  get latestCredits(): { credits: number; at: string } | undefined {
    return this.lastCredits;
  }

  async generate(request: GenerationRequest, options: GenerateOptions = {}): Promise<GeneratedSong[]> {
    return this.run(options, (watched) => this.driver.generate(request, watched));
  }

  /** Runs one song operation (extend, cover, stems, …) on a song of this account's library; see `MusicGenerator`. */
  async operate(request: OperationRequest, options: GenerateOptions = {}): Promise<GeneratedSong[]> {
    return this.run(options, (watched) => this.driver.operate(request, watched));
  }

  /** One page of this account's library, from the site's own listing; spends nothing. */
  async library(query: LibraryQuery): Promise<LibraryPage> {
    const songs = await this.run({ ...(query.account ? { account: query.account } : {}) }, () =>
      this.driver.library(query),
    );
    return { account: this.account.name, songs };
  }

  /** Runs one task that is not a song (lyrics, an image, an upload, …) on this account; see `SiteTask`. */
  async runTask(task: SiteTask, options: SiteTaskOptions = {}): Promise<SiteTaskAnswer> {
    const result = await this.run(options, (watched) => this.driver.runTask(task, watched));
    return { account: this.account.name, result };
  }

  /** One job on this account: its submissions named with the account, a revoked login refused, its failure noted. */
  private async run<Result>(
    options: GenerateOptions,
    work: (options: GenerateOptions) => Promise<Result>,
  ): Promise<Result> {
    // A job bound to another account would find nothing here, or pay twice; every submission names its account.
    assertAccountRunsHere(options.resume?.account ?? options.account, [this.account.name]);
    const onSubmission = options.onSubmission;
    const watched: GenerateOptions = {
      ...options,
      onSubmission: async (record) => {
        if (record.creditsAfter !== undefined)
          this.lastCredits = { credits: record.creditsAfter, at: new Date().toISOString() };
        await onSubmission?.({ ...record, account: this.account.name });
      },
    };
    // The site revoked this login: nothing can work until another is taken in (with credentials, a sign-in is).
    const revocation = this.signIn ? undefined : await this.prober.knownRevocation();
    if (revocation) throw sessionRevokedError(revocation);
    try {
      return await work(watched);
    } catch (error) {
      const failure = await this.prober.revokedInstead(toProducerError(error));
      if (SESSION_CODES.has(failure.code)) {
        this.cachedStatus = { status: statusFrom(failure), at: Date.now() };
      }
      throw failure;
    }
  }

  /**
   * Whether the account can generate now. Fast offline checks first (no state file, auth cookie expired), then
   * the composer is opened; a login wall is signed through when credentials are configured. Cached for
   * `session.checkCacheSecs` unless `force`.
   */
  async checkSession(options: SessionCheckOptions = {}): Promise<SessionStatus> {
    const cacheMs = this.config.session.checkCacheSecs * 1000;
    if (!options.force && this.cachedStatus && Date.now() - this.cachedStatus.at < cacheMs) {
      return this.cachedStatus.status;
    }
    const status =
      (options.viaOpenPage ? await this.prober.readOpenPage() : undefined) ?? (await this.prober.probe(options.signal));
    this.cachedStatus = { status, at: Date.now() };
    if (status.credits !== undefined) this.lastCredits = { credits: status.credits, at: status.checkedAt };
    return status;
  }

  /** Takes a new login state (a storage state or a cookie list), saves it with mode 0600 and uses it at once. */
  async importLoginState(input: unknown): Promise<LoginState> {
    const state = normalizeLoginState(input);
    await this.useLoginState(state);
    return state;
  }

  /**
   * Called after every save of the login state by this session — each rotation of the refresh token (the page's
   * own refresh, also while idle), a job's end, an import, a close — with the state saved.
   */
  onLoginStateSaved(listener: (state: LoginState) => void | Promise<void>): () => void {
    return this.pool.onLoginSaved(listener);
  }

  /**
   * The login's secret values now — every cookie value of the saved state and of the live browser context, the
   * auth cookie's chunks and joined value, the access and refresh tokens inside it, the Bearer tokens the
   * pages sent lately, and the configured sign-in password — for `artifactHoldsSecret` before a failure artifact
   * is served. Changes as the page refreshes its tokens: ask again each time.
   */
  async loginSecrets(): Promise<string[]> {
    return [...new Set([...(await this.pool.loginSecrets()), ...(this.signIn?.secrets ?? [])])];
  }

  /** Called whenever a new login state is taken in (imported here, or written by another process). */
  onLoginStateChanged(listener: () => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /**
   * Picks up a login state written by another process — `producer session import` or `init` while the daemon
   * runs — and uses it in the live browser. The pool's own saves are told apart by their modification time.
   */
  watchLoginState(intervalMs = 1000): void {
    this.stopWatching ??= watchLoginFile({
      file: this.account.stateFile,
      intervalMs,
      ownMtimeMs: () => this.pool.lastSavedMtimeMs,
      onState: (state) => this.useLoginState(state),
      logger: this.logger,
    });
  }

  /**
   * Drops the login from the live browser, without signing out on the site: this daemon no longer owns the account
   * (another daemon of the fleet does), and a page that kept the login would refresh it beside the new owner.
   */
  async forgetLogin(): Promise<void> {
    this.cachedStatus = undefined;
    await this.pool.replaceState({ cookies: [], origins: [] });
  }

  private async useLoginState(state: LoginState): Promise<void> {
    await this.pool.replaceState(state);
    // Saved after the live cookies are replaced, so a save of the old cookies cannot land after it.
    this.pool.saveLoginState(state);
    this.signIn?.reset();
    this.cachedStatus = undefined;
    for (const listener of this.stateListeners) listener();
  }

  async close(): Promise<void> {
    this.stopWatching?.();
    this.stopWatching = undefined;
    await this.pool.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * `producer site check`: opens the site with the profile and looks for every locator where it lives, reading
   * the credit balance on the way. Submits nothing. A login wall or a challenge ends it with that error.
   */
  async checkSite(signal?: AbortSignal): Promise<SiteCheckReport> {
    const pooled = await this.pool.acquire(signal);
    let broken = false;
    try {
      const before = this.shapeDrift.entries();
      const { credits } = await this.driver.openStudio(pooled.page, signal);
      // The answers the library and the menus bring are checked too; the studio's were, while it opened.
      const watch = new PageTraffic(pooled.page, this.account.site, this.logger);
      try {
        const report = await new SiteChecker(this.account.site, pooled.page, this.logger).run(credits);
        await watch.settle();
        return withDrift(report, driftSince(before, this.shapeDrift.entries()));
      } finally {
        watch.detach();
      }
    } catch (error) {
      broken = true;
      throw this.pool.crashError(error, pooled);
    } finally {
      await this.pool.release(pooled, { broken });
    }
  }
}
