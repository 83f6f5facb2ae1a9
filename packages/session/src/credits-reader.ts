import type { PageTraffic } from "./page-traffic.js";
import type { Site } from "./site.js";

/** The balance as the page's own credits call said while it loaded, or else asked inside the page. */
export async function loadedCredits(
  traffic: PageTraffic,
  site: Site,
  signal: AbortSignal | undefined,
): Promise<number | undefined> {
  const seen = await traffic.waitFor(() => traffic.credits, {
    timeoutMs: Math.min(site.timeouts.elementMs, 3000),
    signal,
  });
  if (seen !== undefined) return seen;
  return freshCredits(traffic);
}

/** The balance as the site says it now (asked inside the page, not remembered from the page's load). */
export async function freshCredits(traffic: PageTraffic): Promise<number | undefined> {
  traffic.credits = undefined;
  await traffic.fetchJson("credits").catch(() => undefined);
  return traffic.credits;
}
