import type { BrowserContext, Page } from "playwright";
import { abortReason, type Logger } from "@producer/utils";

/** How long a recycled page is waited for to close. */
const PAGE_CLOSE_MS = 3_000;

/** A page lent by the pool. Give it back with `release`. */
export interface PooledPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Which launch of the browser the page belongs to. */
  readonly launch: number;
  uses: number;
}

interface Waiter {
  resolve: (page: PooledPage) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export interface PageLenderOptions {
  /** Pages open at once, lent or idle. */
  pageCount: number;
  /** An unused page is closed after this long; 0 keeps pages open. */
  idleCloseSecs: number;
  logger: Logger;
  /** Whether a page still belongs to the running browser. */
  isAlive(pooled: PooledPage): boolean;
  /** Opens a page in the current context (its slot is already taken). */
  openPage(): Promise<PooledPage>;
  /** Whether jobs waiting for a page may still get one (the pool is not closing). */
  serving(): boolean;
}

/**
 * Who has which page of a pool: idle pages (each closed after `idleCloseSecs` unused), pages lent out, slots taken
 * by pages being opened, and the jobs waiting for a page, served in the order they came.
 */
export class PageLender {
  private readonly idle: PooledPage[] = [];
  private readonly inUse = new Set<PooledPage>();
  private readonly waiters: Waiter[] = [];
  private readonly idleTimers = new Map<PooledPage, NodeJS.Timeout>();
  /** Pages being opened: their slots are taken before the page exists. */
  private opening = 0;

  constructor(private readonly options: PageLenderOptions) {}

  get lentCount(): number {
    return this.inUse.size;
  }

  get openCount(): number {
    return this.inUse.size + this.idle.length + this.opening;
  }

  /** Whether a page of `context` is lent out now. */
  lendsFrom(context: BrowserContext): boolean {
    return [...this.inUse].some((pooled) => pooled.context === context);
  }

  /** An idle page, a new one while there are free slots, or else the next page given back; `signal` stops the wait. */
  lend(signal: AbortSignal | undefined): Promise<PooledPage> {
    const reused = this.takeIdle();
    if (reused) return Promise.resolve(reused);
    if (this.openCount < this.options.pageCount) return this.open();
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

  /** An idle, living page that `accept`s, now, or nothing. */
  lendIdle(accept: (page: Page) => boolean): PooledPage | undefined {
    const pooled = this.idle.find((candidate) => this.options.isAlive(candidate) && accept(candidate.page));
    if (!pooled) return undefined;
    this.idle.splice(this.idle.indexOf(pooled), 1);
    this.clearIdleTimer(pooled);
    this.inUse.add(pooled);
    return pooled;
  }

  /** Takes a lent page back; false when it was not lent (given back twice, or the pool closed meanwhile). */
  takeBack(pooled: PooledPage): boolean {
    return this.inUse.delete(pooled);
  }

  /** Keeps a page given back for the next job, until it has been idle `idleCloseSecs`. */
  keep(pooled: PooledPage): void {
    this.idle.push(pooled);
    this.armIdleTimer(pooled);
  }

  /** Closes a page given back for good, freeing its slot. */
  async recycle(pooled: PooledPage, broken: boolean): Promise<void> {
    if (!pooled.page.isClosed()) await closeWithin(pooled.page, PAGE_CLOSE_MS, this.options.logger);
    this.options.logger.debug({ uses: pooled.uses, broken }, "page recycled");
  }

  /** Gives waiting jobs the pages that are free now, opening new ones in free slots. */
  async serveWaiters(): Promise<void> {
    while (this.waiters.length > 0 && this.options.serving()) {
      const pooled =
        this.takeIdle() ??
        (this.openCount < this.options.pageCount ? await this.open().catch(() => undefined) : undefined);
      if (!pooled) return;
      const waiter = this.waiters.shift() as Waiter;
      waiter.signal?.removeEventListener("abort", waiter.onAbort);
      waiter.resolve(pooled);
    }
  }

  /** Fails every job waiting for a page. */
  rejectWaiters(error: unknown): void {
    for (const waiter of this.waiters.splice(0)) {
      waiter.signal?.removeEventListener("abort", waiter.onAbort);
      waiter.reject(error);
    }
  }

  /** Closes the idle pages of a replaced context now. */
  async closeIdleOf(context: BrowserContext): Promise<void> {
    for (const pooled of this.idle.filter((candidate) => candidate.context === context)) {
      this.idle.splice(this.idle.indexOf(pooled), 1);
      this.clearIdleTimer(pooled);
      await pooled.page.close().catch(() => undefined);
    }
  }

  /** Forgets the idle pages of a browser that has gone. */
  dropIdle(): void {
    for (const pooled of this.idle.splice(0)) this.clearIdleTimer(pooled);
  }

  stopIdleTimers(): void {
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
  }

  /** Forgets every page, idle or lent: their context is closing. */
  clear(): void {
    this.idle.length = 0;
    this.inUse.clear();
  }

  private takeIdle(): PooledPage | undefined {
    while (this.idle.length > 0) {
      const pooled = this.idle.shift() as PooledPage;
      this.clearIdleTimer(pooled);
      if (this.options.isAlive(pooled)) {
        this.inUse.add(pooled);
        return pooled;
      }
    }
    return undefined;
  }

  private async open(): Promise<PooledPage> {
    // Take the slot before awaiting, so concurrent lends never exceed pageCount.
    this.opening += 1;
    try {
      const pooled = await this.options.openPage();
      this.inUse.add(pooled);
      return pooled;
    } finally {
      this.opening -= 1;
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
      this.options.logger.debug("idle page closed");
    }, this.options.idleCloseSecs * 1000);
    timer.unref();
    this.idleTimers.set(pooled, timer);
  }

  private clearIdleTimer(pooled: PooledPage): void {
    const timer = this.idleTimers.get(pooled);
    if (timer) clearTimeout(timer);
    this.idleTimers.delete(pooled);
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
  if ((await Promise.race([closing, late])) === "late")
    logger.warn({ afterMs: ms }, "a recycled page did not close in time; not waiting for it");
  clearTimeout(timer);
}
