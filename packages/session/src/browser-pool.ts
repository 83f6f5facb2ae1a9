import { EventEmitter } from "node:events";
import type { Page } from "playwright";
import { CancelledError, abortReason, silentLogger, type Logger } from "@producer/utils";
import { ChromiumHost } from "./chromium-host.js";
import { LoginKeeper } from "./login-keeper.js";
import type { LoginRevocation } from "./login-revocation.js";
import type { LoginState } from "./login-state.js";
import { PageLender, type PooledPage } from "./page-lender.js";
import { PoolContexts, type PoolState } from "./pool-contexts.js";
import { PoolLogin } from "./pool-login.js";

export type { PooledPage } from "./page-lender.js";

export interface BrowserPoolOptions {
  executablePath: string;
  headless: boolean;
  args: readonly string[];
  /** Pages open at once: the most generations that run together on this account. */
  pageCount: number;
  /** A page is closed and replaced after this many uses. */
  recycleAfterGenerations: number;
  /**
   * The context is replaced (its cookies carried over) after this many generations, so what Playwright keeps per
   * context (every download) does not pile up. Pages of the old context finish their work first.
   */
  renewContextAfterGenerations?: number;
  /** An unused page is closed after this long; 0 keeps pages open. */
  idleCloseSecs: number;
  launchTimeoutMs: number;
  /** The login state loaded into the context and saved back to. */
  stateFile: string;
  /** Record a Playwright trace, kept by the driver on failure. */
  trace?: boolean;
  /** The path of Supabase's token endpoint (`api.authRefresh`): each refresh the page makes there is saved at once. */
  authRefreshPath?: string;
  /** How often the live cookies' refresh token is compared with the saved one (5 s by default; 0: never). */
  loginCheckIntervalMs?: number;
  /**
   * The Chromium to open this pool's context in, shared with other accounts' pools; the pool launches one of
   * its own (and closes it with itself) when none is given.
   */
  host?: ChromiumHost;
  /**
   * Where Chromium's profile, Playwright's artifacts and the browser's downloads live (a folder per pool, mode
   * 0700), instead of the system temp dir; what a killed process left here is removed at the next launch.
   */
  workDir?: string;
  logger?: Logger;
}

interface PoolEvents {
  launched: [{ launch: number; pid: number | undefined; ms: number }];
  crashed: [{ launch: number }];
  /** The site refused the login's refresh token as already used: the session is revoked. */
  loginRevoked: [LoginRevocation];
  closed: [];
}

/**
 * One account's long-lived context (its cookies) in a Chromium of its own or one shared with other accounts,
 * with up to `pageCount` pages. Pages are lent and given back, recycled after `recycleAfterGenerations` uses, and
 * closed when idle. When Chromium crashes or disconnects, work on it fails with a retryable `BROWSER_CRASHED` and
 * the pool opens its context again in a relaunched Chromium by itself. `close()` of a pool with its own Chromium
 * leaves no Chromium process behind.
 */
export class BrowserPool extends EventEmitter<PoolEvents> implements AsyncDisposable {
  /** The Chromium this pool's context lives in. */
  readonly host: ChromiumHost;
  private readonly ownsHost: boolean;
  private readonly logger: Logger;
  private readonly login: PoolLogin;
  private readonly keeper: LoginKeeper;
  private readonly contexts: PoolContexts;
  private readonly pages: PageLender;
  /** Pages opened so far (recycling opens new ones). */
  pagesOpened = 0;

  constructor(private readonly options: BrowserPoolOptions) {
    super();
    this.logger = options.logger ?? silentLogger;
    this.ownsHost = options.host === undefined;
    this.host =
      options.host ??
      new ChromiumHost({
        executablePath: options.executablePath,
        headless: options.headless,
        args: options.args,
        launchTimeoutMs: options.launchTimeoutMs,
        ...(options.workDir ? { workDir: options.workDir } : {}),
        logger: this.logger,
      });
    this.login = new PoolLogin(options.stateFile, this.logger);
    this.keeper = new LoginKeeper({
      login: this.login,
      authRefreshPath: options.authRefreshPath,
      current: () => this.contexts.ready,
      checkIntervalMs: options.loginCheckIntervalMs ?? 5000,
      logger: this.logger,
      onRevoked: (revocation) => this.emit("loginRevoked", revocation),
    });
    this.keeper.start();
    this.contexts = new PoolContexts({
      host: this.host,
      login: this.login,
      renewAfterGenerations: options.renewContextAfterGenerations,
      trace: options.trace === true,
      logger: this.logger,
      onLaunched: (launch) => this.emit("launched", launch),
    });
    this.pages = new PageLender({
      pageCount: options.pageCount,
      idleCloseSecs: options.idleCloseSecs,
      logger: this.logger,
      isAlive: (pooled) => this.isAlive(pooled),
      openPage: () => this.openPage(),
      serving: () => this.contexts.state !== "closing" && this.contexts.state !== "closed",
    });
    this.host.on("disconnected", ({ launch }) => this.onDisconnected(launch));
  }

  get status(): PoolState {
    return this.contexts.state;
  }

  /** Launches Chromium now (a warm start) rather than on first use. */
  async start(): Promise<void> {
    await this.contexts.ensure();
  }

  /** Whether a page still belongs to the running browser. */
  isAlive(pooled: PooledPage): boolean {
    return this.contexts.isAlive(pooled);
  }

  /** Marks every process of this pool's Chromium, so they can be found. */
  get poolId(): string {
    return this.host.hostId;
  }

  /** Launches after the first: how often the browser had to be replaced. */
  get restarts(): number {
    return this.host.restarts;
  }

  /** The Chromium's folder under the work dir, or undefined when the system temp dir is used. */
  get browserDir(): string | undefined {
    return this.host.browserDir;
  }

  /** The PIDs of every process of this pool's Chromium (Linux). */
  processIds(): number[] {
    return this.host.processIds();
  }

  /** The PID of the browser's main process (Linux). */
  browserProcessId(): number | undefined {
    return this.host.browserProcessId();
  }

  get pagesInUse(): number {
    return this.pages.lentCount;
  }

  get pagesOpen(): number {
    return this.pages.openCount;
  }

  /** Lends a page, waiting for one to be free; `signal` stops the wait. */
  async acquire(signal?: AbortSignal): Promise<PooledPage> {
    if (signal?.aborted) throw abortReason(signal);
    this.contexts.assertOpen();
    await this.contexts.ensure();
    return this.pages.lend(signal);
  }

  /**
   * Lends an idle page that `accept`s, now, or nothing: never opens a page, launches the browser or waits. For
   * light reads on a page already where it should be; give it back with `release(pooled, { light: true })`.
   */
  lendIdle(accept: (page: Page) => boolean): PooledPage | undefined {
    if (this.contexts.state !== "ready") return undefined;
    return this.pages.lendIdle(accept);
  }

  /**
   * Gives a page back. A page that is broken (its state unknown after a failure), or used
   * `recycleAfterGenerations` times, is closed and its slot freed. A `light` use (a read that drove nothing) is
   * not counted as a use.
   */
  async release(pooled: PooledPage, options: { broken?: boolean; light?: boolean } = {}): Promise<void> {
    if (!this.pages.takeBack(pooled)) return;
    if (!options.light) pooled.uses += 1;
    await this.contexts.countUse(pooled.context, !options.light, (old) => this.pages.closeIdleOf(old));
    const recycle =
      options.broken ||
      pooled.uses >= this.options.recycleAfterGenerations ||
      !this.isAlive(pooled) ||
      !this.contexts.isCurrent(pooled.context);
    if (recycle) await this.pages.recycle(pooled, options.broken === true);
    else this.pages.keep(pooled);
    await this.contexts.closeRetired((context) => this.pages.lendsFrom(context));
    await this.pages.serveWaiters();
  }

  /** Browser contexts open now: the current one, and replaced ones whose pages are still at work. */
  get contextsOpen(): number {
    return this.contexts.openCount;
  }

  /** Contexts replaced so far. */
  get contextsRenewed(): number {
    return this.contexts.renewed;
  }

  /** The state file's modification time as this pool last wrote it, to tell its own writes from others'. */
  get lastSavedMtimeMs(): number {
    return this.login.lastSavedMtimeMs;
  }

  /** The cookies of the live context, or the saved file when no browser runs. */
  async currentState(): Promise<LoginState | undefined> {
    const context = this.contexts.ready;
    if (context) return (await context.storageState()) as LoginState;
    return this.login.read();
  }

  /** Saves the context's cookies to the state file (mode 0600). */
  async saveState(): Promise<void> {
    const context = this.contexts.ready;
    if (context) await this.keeper.save(context);
  }

  /** Saves a login state taken in from outside (an import) as this pool's own. */
  saveLoginState(state: LoginState): void {
    this.login.save(state);
  }

  /** Called after every save of the login state file by this pool: a rotation, a job's end, an import, a close. */
  onLoginSaved(listener: (state: LoginState) => void | Promise<void>): () => void {
    return this.login.onSaved(listener);
  }

  /** Replaces the live context's cookies, after an import or an interactive sign-in. */
  async replaceState(state: LoginState): Promise<void> {
    const context = this.contexts.ready;
    if (!context) return;
    await context.clearCookies();
    await context.addCookies(state.cookies);
  }

  /**
   * Every credential this pool's login holds now: the values in the saved state and in the live contexts'
   * cookies and storage, with the tokens decoded from the auth cookie, and the Bearer tokens the pages sent lately.
   */
  async loginSecrets(): Promise<string[]> {
    return this.login.secrets(this.contexts.live);
  }

  /**
   * Starts a fresh trace chunk (when tracing), and stops the last into `file` as Playwright writes it: with every
   * header and body the pages exchanged, credentials included. Failure artifacts scrub it before keeping it.
   */
  async saveTrace(file: string): Promise<boolean> {
    const context = this.contexts.ready;
    if (!this.options.trace || !context) return false;
    await context.tracing.stopChunk({ path: file });
    await context.tracing.startChunk();
    return true;
  }

  /**
   * What an error from a page means when the browser under it has gone: a retryable `BROWSER_CRASHED`, or the
   * error itself.
   */
  crashError(error: unknown, pooled?: PooledPage): unknown {
    return this.contexts.crashError(error, pooled);
  }

  async close(): Promise<void> {
    if (this.contexts.state === "closed") return;
    this.contexts.state = "closing";
    this.keeper.stop();
    this.pages.rejectWaiters(new CancelledError("The browser pool is closing."));
    this.pages.stopIdleTimers();
    await this.contexts.saveForClose();
    this.pages.clear();
    await this.contexts.shutDown();
    if (this.ownsHost) await this.host.close();
    this.contexts.state = "closed";
    this.emit("closed");
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async openPage(): Promise<PooledPage> {
    try {
      const context = await this.contexts.ensure();
      const page = await context.newPage();
      // Before the page loads anything: it may refresh its login as it opens.
      await this.keeper
        .watchPage(context, page)
        .catch((error: unknown) =>
          this.logger.warn({ error: (error as Error).message }, "cannot watch the page's login refreshes"),
        );
      this.pagesOpened += 1;
      return { page, context, launch: this.contexts.launchCount, uses: 0 };
    } catch (error) {
      throw this.crashError(error);
    }
  }

  private onDisconnected(launch: number): void {
    if (!this.contexts.lost(launch)) return;
    this.pages.dropIdle();
    this.emit("crashed", { launch });
    // Relaunch at once, so the next job finds a warm browser.
    void this.contexts
      .ensure()
      .then(() => this.pages.serveWaiters())
      .catch((error: unknown) => {
        this.logger.error({ error }, "chromium relaunch failed");
        this.pages.rejectWaiters(this.crashError(error));
      });
  }
}
