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
export { start } from "./simulator.js";
export type { RunningSimulator, SimulatorStorageState } from "./simulator.js";
export type { SimulatorOptions } from "./settings.js";
export { AUTH_COOKIE } from "./state.js";
export type { SimulatorStats } from "./state.js";
export { FAULTS, FaultSwitchboard } from "./faults.js";
export type { Fault } from "./faults.js";
export { DOM_VARIANTS, RENAMED_VARIANT_LOCATORS, SITE_VARIANTS } from "./variants.js";
export type { DomVariant, DomVariantName, SiteVariantName } from "./variants.js";
export { FLOW_COOKIE_BASE } from "./flow-accounts.js";
export { FLOW_MODELS, STEM_PARTS } from "./flow-app.js";
export type { FlowStats, ServedAudio } from "./flow-app.js";
export type { ComposeRequest } from "./flow-store.js";
export type { SimulatedFormat } from "./catalog.js";
export { profileFor, siteSettingsFor } from "./test-settings.js";
