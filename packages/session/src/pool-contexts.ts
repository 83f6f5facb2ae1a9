import type { Browser, BrowserContext } from "playwright";
import { BrowserCrashedError, CancelledError, type Logger } from "@producer/utils";
import type { ChromiumHost } from "./chromium-host.js";
import type { LoginState } from "./login-state.js";
import type { PooledPage } from "./page-lender.js";
import type { PoolLogin } from "./pool-login.js";

export type PoolState = "idle" | "starting" | "ready" | "crashed" | "closing" | "closed";

export interface PoolContextsOptions {
  host: ChromiumHost;
  login: PoolLogin;
  /** The current context is replaced after this many generations given back on it. */
  renewAfterGenerations: number | undefined;
  /** Record a Playwright trace in every context. */
  trace: boolean;
  logger: Logger;
  /** Told of every launch that opened the context. */
  onLaunched(launch: { launch: number; pid: number | undefined; ms: number }): void;
}

/**
 * A pool's browser context in its Chromium, and the contexts it replaced: opened with the login state on first
 * use and again after a crash, replaced (its cookies carried over) once it has served `renewAfterGenerations`, and
 * each replaced one closed when its last page comes back.
 */
export class PoolContexts {
  state: PoolState = "idle";
  /** Which launch of the browser the current context lives in. */
  launchCount = 0;
  /** Contexts replaced so far. */
  renewed = 0;
  private browser: Browser | undefined;
  private context: BrowserContext | undefined;
  private launching: Promise<BrowserContext> | undefined;
  /** Generations given back on the current context. */
  private uses = 0;
  /** Replaced contexts whose pages are still at work; each is closed with its last page. */
  private readonly retiring = new Set<BrowserContext>();
  private renewing: Promise<void> | undefined;

  constructor(private readonly options: PoolContextsOptions) {}

  /** Browser contexts open now: the current one, and replaced ones whose pages are still at work. */
  get openCount(): number {
    return this.browser?.contexts().length ?? 0;
  }

  /** The current context when the browser is ready. */
  get ready(): BrowserContext | undefined {
    return this.state === "ready" ? this.context : undefined;
  }

  /** The contexts whose cookies are live: the current one (when ready) and the replaced ones still open. */
  get live(): BrowserContext[] {
    const contexts = this.state === "ready" ? [this.context, ...this.retiring] : [...this.retiring];
    return contexts.filter((context): context is BrowserContext => context !== undefined);
  }

  /** Whether a page still belongs to the running browser. */
  isAlive(pooled: PooledPage): boolean {
    return this.state === "ready" && pooled.launch === this.launchCount && !pooled.page.isClosed();
  }

  isCurrent(context: BrowserContext): boolean {
    return context === this.context;
  }

  assertOpen(): void {
    if (this.state === "closing" || this.state === "closed") throw new CancelledError("The browser pool is closed.");
  }

  /** The current context, launching the browser (once, however many ask) when none is ready. */
  ensure(): Promise<BrowserContext> {
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

  /** Counts a generation given back on `context`, and replaces the current context once it is due. */
  async countUse(
    context: BrowserContext,
    counted: boolean,
    closeIdlePages: (old: BrowserContext) => Promise<void>,
  ): Promise<void> {
    if (counted && context === this.context) this.uses += 1;
    const renewAfter = this.options.renewAfterGenerations;
    if (renewAfter !== undefined && this.uses >= renewAfter && context === this.context && this.state === "ready") {
      await this.renew(closeIdlePages);
    }
  }

  /** Closes replaced contexts that no longer have a page at work. */
  async closeRetired(atWork: (context: BrowserContext) => boolean): Promise<void> {
    for (const context of [...this.retiring]) {
      if (atWork(context)) continue;
      this.retiring.delete(context);
      await context.close().catch(() => undefined);
    }
  }

  /** Takes in that the browser of `launch` disconnected; false when that is old news or the pool is closing. */
  lost(launch: number): boolean {
    if (launch !== this.launchCount || this.state === "closing" || this.state === "closed") return false;
    this.options.logger.warn({ launch }, "chromium disconnected");
    this.state = "crashed";
    this.browser = undefined;
    this.context = undefined;
    this.retiring.clear();
    return true;
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

  /** Once a launch under way has ended, saves the current context's cookies for the next start. */
  async saveForClose(): Promise<void> {
    await this.launching?.catch(() => undefined);
    // The page may have renewed the login (a rotated refresh token): the next start needs the new one.
    if (this.context && this.state === "closing") {
      await this.context
        .storageState()
        .then((state) => this.options.login.save(state as LoginState))
        .catch(() => undefined);
    }
  }

  async shutDown(): Promise<void> {
    const contexts = [this.context, ...this.retiring].filter(
      (context): context is BrowserContext => context !== undefined,
    );
    this.browser = undefined;
    this.context = undefined;
    this.retiring.clear();
    await Promise.all(contexts.map((context) => context.close().catch(() => undefined)));
  }

  private async launch(): Promise<BrowserContext> {
    this.assertOpen();
    this.state = "starting";
    const started = Date.now();
    let browser: Browser;
    let launch: number;
    try {
      ({ browser, launch } = await this.options.host.browser());
    } catch (error) {
      this.state = "crashed";
      throw error;
    }
    const context = await this.newContext(browser, this.options.login.existingFile());
    this.uses = 0;
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
    this.options.onLaunched({ launch, pid: this.options.host.browserProcessId(), ms });
    return context;
  }

  /**
   * Puts a new context in place of the current one, with the current cookies: new pages open there at once,
   * idle pages of the old one close now, and the old context closes when its last busy page comes back.
   */
  private renew(closeIdlePages: (old: BrowserContext) => Promise<void>): Promise<void> {
    this.renewing ??= (async () => {
      const old = this.context as BrowserContext;
      const browser = this.browser as Browser;
      const state = (await old.storageState()) as LoginState;
      const fresh = await this.newContext(browser, state);
      if (this.state !== "ready" || this.context !== old) {
        await fresh.close().catch(() => undefined);
        return;
      }
      this.options.login.save(state);
      this.context = fresh;
      this.uses = 0;
      this.renewed += 1;
      this.retiring.add(old);
      await closeIdlePages(old);
      this.options.logger.debug({ renewed: this.renewed }, "browser context renewed");
    })()
      .catch((error: unknown) =>
        this.options.logger.warn({ error: (error as Error).message }, "could not renew the browser context"),
      )
      .finally(() => {
        this.renewing = undefined;
      });
    return this.renewing;
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
    context.on("request", (request) => this.options.login.noteBearer(request.headers().authorization));
    if (this.options.trace) {
      await context.tracing.start({ screenshots: true, snapshots: true });
      await context.tracing.startChunk();
    }
    return context;
  }
}
