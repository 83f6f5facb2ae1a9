/**
 * A local, faithful stand-in for the ProducerAI web app, with fault injection.
 *
 * @example
 * ```ts
 * import { start } from "@producer/simulator";
 * const site = await start({ generationMs: 0 });
 * site.faults.set("challenge", { times: 1 });
 * // drive site.url with a real browser…
 * await site.close();
 * ```
 */
export { AUTH_COOKIE, start } from "./simulator.js";
export type { RunningSimulator, SimulatorOptions, SimulatorStats, SimulatorStorageState } from "./simulator.js";
export { FAULTS, FaultSwitchboard } from "./faults.js";
export type { Fault } from "./faults.js";
export { DOM_VARIANTS, RENAMED_VARIANT_SELECTORS } from "./variants.js";
export type { DomVariant, DomVariantName } from "./variants.js";
export type { SimulatedFormat } from "./catalog.js";
export { siteSettingsFor } from "./test-settings.js";
