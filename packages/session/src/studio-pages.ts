import type { Page, Request } from "playwright";
import { siteUrl } from "./locators.js";
import type { PageGuard } from "./blockers.js";
import type { PageTraffic } from "./page-traffic.js";
import type { Site } from "./site.js";

/**
 * Requests to the site a reused studio may still hold open. The app may keep a generation's reply stream open
 * after its songs are done, and over HTTP/1.1 Chromium opens at most six connections to a host: past this many,
 * the studio is loaded again (which closes them) before a new stream could stall.
 */
export const MAX_OPEN_SITE_REQUESTS = 3;

/** Jobs a studio takes before it is loaded again all the same, so that a page's memory never grows without end. */
export const JOBS_PER_STUDIO_LOAD = 25;

/**
 * Which pages stand on a studio that the next job can use without loading it again, as a script on an open page
 * would: the 2026 compose panel keeps no state a job depends on (every control is set on every generation, and a
 * generation's songs are known by their ids). A page is reused only when its last job ended well, it loaded the
 * studio less than `reuseMs` ago (`browser.studioReuseMs`) and fewer than JOBS_PER_STUDIO_LOAD jobs ago, it holds
 * fewer than MAX_OPEN_SITE_REQUESTS requests to the site open, it still shows the compose panel, and an in-page
 * credits call (the page's own token) answers 200: anything else (a failure, a sign-out, another URL) loads the
 * studio again.
 */
export class StudioPages {
  private readonly loadedAt = new WeakMap<Page, number>();
  private readonly jobsSinceLoad = new WeakMap<Page, number>();
  private readonly settled = new WeakSet<Page>();
  /** Each watched page's requests to the site that have not ended: lingering reply streams, mostly. */
  private readonly openRequests = new WeakMap<Page, Set<Request>>();

  constructor(
    private readonly site: Site,
    private readonly reuseMs: number,
  ) {}

  /** The page has just loaded the studio. */
  loaded(page: Page): void {
    this.loadedAt.set(page, Date.now());
    this.jobsSinceLoad.set(page, 0);
    this.watch(page);
  }

  /** Counts the page's requests to the site from now on, each until it ends (a load ends those it cuts off). */
  private watch(page: Page): void {
    if (this.openRequests.has(page)) return;
    const open = new Set<Request>();
    this.openRequests.set(page, open);
    page.on("request", (request) => {
      if (request.url().startsWith(this.site.baseUrl)) open.add(request);
    });
    page.on("requestfinished", (request) => open.delete(request));
    page.on("requestfailed", (request) => open.delete(request));
  }

  /** The page's job ended: well (it may be reused) or not (it will load the studio again). */
  ended(page: Page, well: boolean): void {
    if (well && this.site.flow === "compose-2026") this.settled.add(page);
    else this.settled.delete(page);
  }

  /** True when the page can take the next job as it stands; the balance is then in `traffic.credits`. */
  async reuse(page: Page, guard: PageGuard, traffic: PageTraffic): Promise<boolean> {
    const loadedAt = this.loadedAt.get(page);
    const reusable =
      this.settled.has(page) &&
      Boolean(this.site.api.credits) &&
      loadedAt !== undefined &&
      Date.now() - loadedAt < this.reuseMs &&
      (this.jobsSinceLoad.get(page) ?? 0) < JOBS_PER_STUDIO_LOAD - 1 &&
      (this.openRequests.get(page)?.size ?? 0) < MAX_OPEN_SITE_REQUESTS &&
      page.url().startsWith(siteUrl(this.site, "studio"));
    this.settled.delete(page);
    if (!reusable || !(await guard.exists("composeToggle"))) return false;
    await traffic.prepare();
    traffic.credits = undefined;
    const answer = await traffic.fetchJson("credits").catch(() => undefined);
    if (answer?.status !== 200 || traffic.credits === undefined) return false;
    this.jobsSinceLoad.set(page, (this.jobsSinceLoad.get(page) ?? 0) + 1);
    return true;
  }
}
