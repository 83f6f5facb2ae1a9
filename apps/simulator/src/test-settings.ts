import type { RunningSimulator } from "./simulator.js";

/**
 * The `site` settings (as `@producer/config` takes them) for driving this simulator in tests: its URL, timeouts
 * short enough that a fault which waited for one would show, long enough for a loaded machine, and no pacing.
 */
export function siteSettingsFor(site: Pick<RunningSimulator, "url">) {
  return {
    baseUrl: site.url,
    timeouts: { navigationMs: 15_000, elementMs: 4_000, replyMs: 6_000, generationMs: 15_000, downloadMs: 6_000 },
    pacing: { submitGapMinMs: 0, submitGapMaxMs: 0, actionDelayMinMs: 0, actionDelayMaxMs: 0 },
  };
}
