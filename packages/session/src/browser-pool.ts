import { EventEmitter } from "node:events";
import fs from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright";
import { BrowserCrashedError, CancelledError, abortReason, silentLogger, type Logger } from "@producer/utils";
import { ChromiumHost } from "./chromium-host.js";
import { secretsOfLoginStates } from "./login-secrets.js";
import { readLoginState, writeLoginState, type LoginState } from "./login-state.js";

/** How long a recycled page is waited for to close. */
const PAGE_CLOSE_MS = 3_000;

/**
 * Bearer tokens remembered from the context's requests, for scrubbing a trace that spans jobs: the page renews
 * its token about hourly, so these reach back most of a day.
 */
const BEARERS_KEPT = 16;

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

/** A page lent by the pool. Give it back with `release`. */
export interface PooledPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Which launch of the browser the page belongs to. */
  readonly launch: number;
  uses: number;
}

interface PoolEvents {
  launched: [{ launch: number; pid: number | undefined; ms: number }];
  crashed: [{ launch: number }];
  closed: [];
}

interface Waiter {
  resolve: (page: PooledPage) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

type PoolState = "idle" | "starting" | "ready" | "crashed" | "closing" | "closed";

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
  private state: PoolState = "idle";
  private browser: Browser | undefined;
  private context: BrowserContext | undefined;
  private launching: Promise<BrowserContext> | undefined;
  private launchCount = 0;
  private readonly idle: PooledPage[] = [];
  private readonly inUse = new Set<PooledPage>();
  private readonly waiters: Waiter[] = [];
  private readonly idleTimers = new Map<PooledPage, NodeJS.Timeout>();
  /** Pages being opened: their slots are taken before the page exists. */
  private opening = 0;
  private readonly logger: Logger;
  /** Generations given back on the current context. */
  private contextUses = 0;
  /** Replaced contexts whose pages are still at work; each is closed with its last page. */
  private readonly retiring = new Set<BrowserContext>();
  private renewing: Promise<void> | undefined;
  /** Contexts replaced so far. */
  contextsRenewed = 0;
  /** Pages opened so far (recycling opens new ones). */
  pagesOpened = 0;
  /** The latest Bearer tokens the pages sent, oldest first. */
  private readonly bearers = new Set<string>();

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
    this.host.on("disconnected", ({ launch }) => this.onDisconnected(launch));
  }

  /** Marks every process of this pool's Chromium, so they can be found. */
  get poolId(): string {
    return this.host.hostId;
  }

  /** Launches after the first: how often the browser had to be replaced. */
  get restarts(): number {
    return this.host.restarts;
  }

  get status(): PoolState {
    return this.state;
  }

  get pagesInUse(): number {
    return this.inUse.size;
  }

  get pagesOpen(): number {
    return this.inUse.size + this.idle.length + this.opening;
  }

  /** Browser contexts open now: the current one, and replaced ones whose pages are still at work. */
  get contextsOpen(): number {
    return this.browser?.contexts().length ?? 0;
  }

  /** Launches Chromium now (a warm start) rather than on first use. */
  async start(): Promise<void> {
    await this.ensureContext();
  }

  /** The PIDs of every process of this pool's Chromium (Linux). */
  processIds(): number[] {
    return this.host.processIds();
  }

  /** The PID of the browser's main process (Linux). */
  browserProcessId(): number | undefined {
    return this.host.browserProcessId();
  }

  /** Whether a page still belongs to the running browser. */
  isAlive(pooled: PooledPage): boolean {
    return this.state === "ready" && pooled.launch === this.launchCount && !pooled.page.isClosed();
  }

  /** Lends a page, waiting for one to be free; `signal` stops the wait. */
  async acquire(signal?: AbortSignal): Promise<PooledPage> {
    if (signal?.aborted) throw abortReason(signal);
    this.assertOpen();
    await this.ensureContext();
    const reused = this.takeIdle();
    if (reused) return reused;
    if (this.pagesOpen < this.options.pageCount) return this.openPage();
    return new Promise<PooledPage>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(abortReason(signal as AbortSignal));
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /**
   * Lends an idle page that `accept`s, now, or nothing: never opens a page, launches the browser or waits. For
   * light reads on a page already where it should be; give it back with `release(pooled, { light: true })`.
   */
  lendIdle(accept: (page: Page) => boolean): PooledPage | undefined {
    if (this.state !== "ready") return undefined;
    const pooled = this.idle.find((candidate) => this.isAlive(candidate) && accept(candidate.page));
    if (!pooled) return undefined;
    this.idle.splice(this.idle.indexOf(pooled), 1);
    this.clearIdleTimer(pooled);
    this.inUse.add(pooled);
    return pooled;
  }

  /**
   * Gives a page back. A page that is broken (its state unknown after a failure), or used
   * `recycleAfterGenerations` times, is closed and its slot freed. A `light` use (a read that drove nothing) is
   * not counted as a use.
   */
  async release(pooled: PooledPage, options: { broken?: boolean; light?: boolean } = {}): Promise<void> {
    if (!this.inUse.delete(pooled)) return;
    if (!options.light) {
      pooled.uses += 1;
      if (pooled.context === this.context) this.contextUses += 1;
    }
    const renew = this.options.renewContextAfterGenerations;
    if (renew !== undefined && this.contextUses >= renew && pooled.context === this.context && this.state === "ready") {
      await this.renewContext();
    }
    const recycle =
      options.broken ||
      pooled.uses >= this.options.recycleAfterGenerations ||
      !this.isAlive(pooled) ||
      pooled.context !== this.context;
    if (recycle) {
      if (!pooled.page.isClosed()) await closeWithin(pooled.page, PAGE_CLOSE_MS, this.logger);
      this.logger.debug({ uses: pooled.uses, broken: options.broken === true }, "page recycled");
    } else {
      this.idle.push(pooled);
      this.armIdleTimer(pooled);
    }
    await this.closeRetired();
    await this.serveWaiters();
  }

  /**
   * Puts a new context in place of the current one, with the current cookies: new pages open there at once,
   * idle pages of the old one close now, and the old context closes when its last busy page comes back.
   */
  private renewContext(): Promise<void> {
    this.renewing ??= (async () => {
      const old = this.context as BrowserContext;
      const browser = this.browser as Browser;
      const state = (await old.storageState()) as LoginState;
      const fresh = await this.newContext(browser, state);
      if (this.state !== "ready" || this.context !== old) {
        await fresh.close().catch(() => undefined);
        return;
      }
      writeLoginState(this.options.stateFile, state);
      this.lastSavedMtimeMs = fs.statSync(this.options.stateFile).mtimeMs;
      this.context = fresh;
      this.contextUses = 0;
      this.contextsRenewed += 1;
      this.retiring.add(old);
      for (const pooled of this.idle.filter((candidate) => candidate.context === old)) {
        this.idle.splice(this.idle.indexOf(pooled), 1);
        this.clearIdleTimer(pooled);
        await pooled.page.close().catch(() => undefined);
      }
      this.logger.debug({ renewed: this.contextsRenewed }, "browser context renewed");
    })()
      .catch((error: unknown) => this.logger.warn({ error: (error as Error).message }, "could not renew the browser context"))
      .finally(() => {
        this.renewing = undefined;
      });
    return this.renewing;
  }

  /** Closes replaced contexts that no longer have a page at work. */
  private async closeRetired(): Promise<void> {
    for (const context of [...this.retiring]) {
      if ([...this.inUse].some((pooled) => pooled.context === context)) continue;
      this.retiring.delete(context);
      await context.close().catch(() => undefined);
    }
  }

  /** The cookies of the live context, or the saved file when no browser runs. */
  async currentState(): Promise<LoginState | undefined> {
    if (this.context && this.state === "ready") return (await this.context.storageState()) as LoginState;
    return readLoginState(this.options.stateFile);
  }

  /** The state file's modification time as this pool last wrote it, to tell its own writes from others'. */
  lastSavedMtimeMs = 0;

  /** Saves the context's cookies to the state file (mode 0600). */
  async saveState(): Promise<void> {
    if (!this.context || this.state !== "ready") return;
    writeLoginState(this.options.stateFile, (await this.context.storageState()) as LoginState);
    this.lastSavedMtimeMs = fs.statSync(this.options.stateFile).mtimeMs;
  }

  /** Replaces the live context's cookies, after an import or an interactive sign-in. */
  async replaceState(state: LoginState): Promise<void> {
    if (!this.context || this.state !== "ready") return;
    await this.context.clearCookies();
    await this.context.addCookies(state.cookies);
  }

  /**
   * Every credential this pool's login holds now: the values in the saved state and in the live contexts'
   * cookies and storage (the page refreshes its access token and rotates the refresh token, so they differ),
   * with the tokens decoded from the auth cookie, and the Bearer tokens the pages sent lately.
   */
  async loginSecrets(): Promise<string[]> {
    const states: Array<LoginState | undefined> = [];
    try {
      states.push(readLoginState(this.options.stateFile));
    } catch {
      // A state file that cannot be read holds nothing to look for; the live cookies still count.
    }
    const contexts = this.state === "ready" ? [this.context, ...this.retiring] : [...this.retiring];
    for (const context of contexts) {
      if (!context) continue;
      states.push((await context.storageState().catch(() => undefined)) as LoginState | undefined);
    }
    return [...new Set([...secretsOfLoginStates(states), ...this.bearers])];
  }

  private noteBearer(authorization: string | undefined): void {
    if (!authorization || !/^bearer\s/i.test(authorization)) return;
    const token = authorization.slice(7).trim();
    if (!token) return;
    this.bearers.delete(token);
    this.bearers.add(token);
    for (const oldest of this.bearers) {
      if (this.bearers.size <= BEARERS_KEPT) break;
      this.bearers.delete(oldest);
    }
  }

  /**
   * Starts a fresh trace chunk (when tracing), and stops the last into `file` as Playwright writes it: with every
   * header and body the pages exchanged, credentials included. Failure artifacts scrub it before keeping it.
   */
  async saveTrace(file: string): Promise<boolean> {
    if (!this.options.trace || !this.context || this.state !== "ready") return false;
    await this.context.tracing.stopChunk({ path: file });
    await this.context.tracing.startChunk();
    return true;
  }

  async close(): Promise<void> {
    if (this.state === "closed") return;
    this.state = "closing";
    for (const waiter of this.waiters.splice(0)) {
      waiter.signal?.removeEventListener("abort", waiter.onAbort);
      waiter.reject(new CancelledError("The browser pool is closing."));
    }
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    await this.launching?.catch(() => undefined);
    // The page may have renewed the login (a rotated refresh token): the next start needs the new one.
    if (this.context && this.state === "closing") {
      await this.context
        .storageState()
        .then((state) => {
          writeLoginState(this.options.stateFile, state as LoginState);
          this.lastSavedMtimeMs = fs.statSync(this.options.stateFile).mtimeMs;
        })
        .catch(() => undefined);
    }
    await this.shutDownContext();
    if (this.ownsHost) await this.host.close();
    this.state = "closed";
    this.emit("closed");
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private assertOpen(): void {
    if (this.state === "closing" || this.state === "closed") throw new CancelledError("The browser pool is closed.");
  }

  private takeIdle(): PooledPage | undefined {
    while (this.idle.length > 0) {
      const pooled = this.idle.shift() as PooledPage;
      this.clearIdleTimer(pooled);
      if (this.isAlive(pooled)) {
        this.inUse.add(pooled);
        return pooled;
      }
    }
    return undefined;
  }

  private async openPage(): Promise<PooledPage> {
    // Take the slot before awaiting, so concurrent acquires never exceed pageCount.
    this.opening += 1;
    try {
      const context = await this.ensureContext();
      const page = await context.newPage();
      this.pagesOpened += 1;
      const pooled: PooledPage = { page, context, launch: this.launchCount, uses: 0 };
      this.inUse.add(pooled);
      return pooled;
    } catch (error) {
      throw this.crashError(error);
    } finally {
      this.opening -= 1;
    }
  }

  private async serveWaiters(): Promise<void> {
    while (this.waiters.length > 0 && this.state !== "closing" && this.state !== "closed") {
      const pooled = this.takeIdle() ?? (this.pagesOpen < this.options.pageCount ? await this.openPage().catch(() => undefined) : undefined);
      if (!pooled) return;
      const waiter = this.waiters.shift() as Waiter;
      waiter.signal?.removeEventListener("abort", waiter.onAbort);
      waiter.resolve(pooled);
    }
  }

  private armIdleTimer(pooled: PooledPage): void {
    if (this.options.idleCloseSecs <= 0) return;
    const timer = setTimeout(() => {
      this.idleTimers.delete(pooled);
      const index = this.idle.indexOf(pooled);
      if (index === -1) return;
      this.idle.splice(index, 1);
      void pooled.page.close().catch(() => undefined);
      this.logger.debug("idle page closed");
    }, this.options.idleCloseSecs * 1000);
    timer.unref();
    this.idleTimers.set(pooled, timer);
  }

  private clearIdleTimer(pooled: PooledPage): void {
    const timer = this.idleTimers.get(pooled);
    if (timer) clearTimeout(timer);
    this.idleTimers.delete(pooled);
  }

  private ensureContext(): Promise<BrowserContext> {
    if (this.context && this.state === "ready") return Promise.resolve(this.context);
    // A browser killed while it starts is a crash like any other: retryable, never an internal error.
    this.launching ??= this.launch()
      .catch((error: unknown) => {
        throw this.crashError(error);
      })
      .finally(() => {
        this.launching = undefined;
      });
    return this.launching;
  }

  /** The Chromium's folder under the work dir, or undefined when the system temp dir is used. */
  get browserDir(): string | undefined {
    return this.host.browserDir;
  }

  private async launch(): Promise<BrowserContext> {
    this.assertOpen();
    this.state = "starting";
    const started = Date.now();
    let browser: Browser;
    let launch: number;
    try {
      ({ browser, launch } = await this.host.browser());
    } catch (error) {
      this.state = "crashed";
      throw error;
    }
    const stateFile = fs.existsSync(this.options.stateFile) ? this.options.stateFile : undefined;
    const context = await this.newContext(browser, stateFile);
    this.contextUses = 0;
    this.launchCount = launch;
    if (this.state !== "starting") {
      // closed while launching
      await context.close().catch(() => undefined);
      throw new CancelledError("The browser pool closed while Chromium was starting.");
    }
    this.browser = browser;
    this.context = context;
    this.state = "ready";
    const ms = Date.now() - started;
    this.emit("launched", { launch, pid: this.browserProcessId(), ms });
    return context;
  }

  /** A context with the login state, the way every context of the pool is made. */
  private async newContext(browser: Browser, storageState: string | LoginState | undefined): Promise<BrowserContext> {
    // Headless Chromium says so in its user agent, which bot checks look for.
    const userAgent = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${browser.version()} Safari/537.36`;
    const context = await browser.newContext({
      ...(storageState ? { storageState: storageState as never } : {}),
      acceptDownloads: true,
      userAgent,
      viewport: { width: 1280, height: 800 },
      locale: "en-US",
    });
    // Only the headers Chromium reports at once: reading the full set would cost a round trip per request.
    context.on("request", (request) => this.noteBearer(request.headers().authorization));
    if (this.options.trace) {
      await context.tracing.start({ screenshots: true, snapshots: true });
      await context.tracing.startChunk();
    }
    return context;
  }

  private onDisconnected(launch: number): void {
    if (launch !== this.launchCount || this.state === "closing" || this.state === "closed") return;
    this.logger.warn({ launch }, "chromium disconnected");
    this.state = "crashed";
    this.browser = undefined;
    this.context = undefined;
    this.retiring.clear();
    for (const pooled of this.idle.splice(0)) this.clearIdleTimer(pooled);
    this.emit("crashed", { launch });
    // Relaunch at once, so the next job finds a warm browser.
    void this.ensureContext()
      .then(() => this.serveWaiters())
      .catch((error: unknown) => {
        this.logger.error({ error }, "chromium relaunch failed");
        for (const waiter of this.waiters.splice(0)) waiter.reject(this.crashError(error));
      });
  }

  /**
   * What an error from a page means when the browser under it has gone. With the page it came from, any error on a
   * page that has closed or whose browser was relaunched since is a crash (an element read from a dying page can
   * look like a changed site).
   */
  crashError(error: unknown, pooled?: PooledPage): unknown {
    const message = error instanceof Error ? error.message : String(error);
    if (
      this.state === "crashed" ||
      (pooled !== undefined && (pooled.launch !== this.launchCount || pooled.page.isClosed())) ||
      /Target (page, context or browser )?(has been )?closed|Browser has been closed|browser has disconnected|Target crashed|Page crashed/i.test(
        message,
      )
    ) {
      return new BrowserCrashedError(`Chromium crashed or disconnected: ${message.split("\n")[0]}`, { cause: error });
    }
    return error;
  }

  private async shutDownContext(): Promise<void> {
    const contexts = [this.context, ...this.retiring].filter((context): context is BrowserContext => context !== undefined);
    this.browser = undefined;
    this.context = undefined;
    this.retiring.clear();
    this.idle.length = 0;
    this.inUse.clear();
    await Promise.all(contexts.map((context) => context.close().catch(() => undefined)));
  }
}

/**
 * A page closed while a navigation a cancelled job started is still in flight can take Chromium seconds to
 * close; the pool does not wait for it past `ms` (the page is out of use either way, and goes with its context).
 */
async function closeWithin(page: Page, ms: number, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const closing = page.close().catch(() => undefined);
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), ms);
    timer.unref();
  });
  if ((await Promise.race([closing, late])) === "late") logger.warn({ afterMs: ms }, "a recycled page did not close in time; not waiting for it");
  clearTimeout(timer);
}
