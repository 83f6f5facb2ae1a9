import type { Page } from "playwright";
import { siteUrl } from "./locators.js";
import type { PageGuard } from "./blockers.js";
import type { PageTraffic } from "./page-traffic.js";
import type { Site } from "./site.js";

/**
 * Jobs a studio takes before it is loaded again. The app may keep a generation's reply stream open after its
 * songs are done, and over HTTP/1.1 Chromium opens at most six connections to a host: a load every few jobs
 * closes them before a seventh could stall.
 */
export const JOBS_PER_STUDIO_LOAD = 5;

/**
 * Which pages stand on a studio that the next job can use without loading it again, as a script on an open page
 * would: the 2026 compose panel keeps no state a job depends on (every control is set on every generation, and a
 * generation's songs are known by their ids). A page is reused only when its last job ended well, it loaded the
 * studio less than `reuseMs` ago (`browser.studioReuseMs`) and fewer than JOBS_PER_STUDIO_LOAD jobs ago, it still
 * shows the compose panel, and an in-page credits call (the page's own token) answers 200: anything else (a
 * failure, a sign-out, another URL) loads the studio again.
 */
export class StudioPages {
  private readonly loadedAt = new WeakMap<Page, number>();
  private readonly jobsSinceLoad = new WeakMap<Page, number>();
  private readonly settled = new WeakSet<Page>();

  constructor(
    private readonly site: Site,
    private readonly reuseMs: number,
  ) {}

  /** The page has just loaded the studio. */
  loaded(page: Page): void {
    this.loadedAt.set(page, Date.now());
    this.jobsSinceLoad.set(page, 0);
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
