import { FLOW_2026_PROFILE } from "./flow-2026.js";
import { PRODUCERAI_2025_PROFILE } from "./producerai-2025.js";

/** The profiles that ship with producer, by name; `site.profile` names one of these or a JSON file. */
export const SHIPPED_PROFILES = {
  "flow-2026": FLOW_2026_PROFILE,
  "producerai-2025": PRODUCERAI_2025_PROFILE,
} as const;

export type ShippedProfileName = keyof typeof SHIPPED_PROFILES;
export const DEFAULT_PROFILE: ShippedProfileName = "flow-2026";
