import type { RunningSimulator } from "./simulator.js";
import { RENAMED_VARIANT_LOCATORS, type SiteVariantName } from "./variants.js";

/** The shipped profile that drives each variant, and the locators that differ (the renamed redesign). */
export function profileFor(variant: SiteVariantName): {
  profile: string;
  locators?: Record<string, string | { role: string; name: string; exact: boolean }>;
} {
  if (variant === "flow-2026") return { profile: "flow-2026" };
  if (variant === "renamed") return { profile: "producerai-2025", locators: { ...RENAMED_VARIANT_LOCATORS } };
  return { profile: "producerai-2025" };
}

/**
 * The `site` settings (as `@producer/config` takes them) for driving this simulator in tests: the profile of the
 * variant it serves, its URL, timeouts short enough that a fault which waited for one would show, long enough
 * for a loaded machine, and no pacing.
 */
export function siteSettingsFor(site: { url: string; settings?: Pick<RunningSimulator["settings"], "variant"> }) {
  return {
    ...profileFor(site.settings?.variant ?? "flow-2026"),
    baseUrl: site.url,
    timeouts: {
      navigationMs: 15_000,
      elementMs: 4_000,
      replyMs: 6_000,
      generationMs: 15_000,
      downloadMs: 6_000,
      songStartMs: 4_000,
    },
    pacing: { submitGapMinMs: 0, submitGapMaxMs: 0, actionDelayMinMs: 0, actionDelayMaxMs: 0 },
  };
}
