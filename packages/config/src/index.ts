/**
 * Every producer setting in one validated schema.
 *
 * @example
 * ```ts
 * import { loadConfig, formatConfig } from "@producer/config";
 * const resolved = loadConfig({ overrides: { site: { downloadFormat: "mp3" } } });
 * console.log(resolved.config.site.baseUrl);
 * console.log(formatConfig(resolved)); // every key, its value and its source, secrets masked
 * ```
 */
export {
  configSchema,
  AUDIO_FORMATS,
  DEFAULT_BROWSER_ARGS,
  FORBIDDEN_BROWSER_ARGS,
  ACCOUNT_NAME,
  KEY_TEMPLATE_FIELDS,
} from "./schema.js";
export type { AccountConfig, AudioFormat, ParsedConfig, ProducerConfig, ProducerConfigInput } from "./schema.js";
export {
  FLOW_NEEDS,
  GENERATION_MODES,
  locatorSchema,
  MENU_PLACES,
  SITE_CONTROLS,
  SITE_FLOWS,
  siteProfileSchema,
} from "./site-profile.js";
export type {
  GenerationMode,
  LocatorSpec,
  MenuPlace,
  SiteControl,
  SiteFlow,
  SiteProfile,
  SiteProfileInput,
} from "./site-profile.js";
export type { ResolvedSite } from "./resolve-site.js";
export { resolveSite } from "./resolve-site.js";
export { effectiveProfile, profileEntries } from "./effective-profile.js";
export type { ProfileEntry } from "./effective-profile.js";
export { unsupportedControls } from "./site-controls.js";
export type { ControlRequest } from "./site-controls.js";
export { DEFAULT_PROFILE, SHIPPED_PROFILES } from "./profiles/index.js";
export type { ShippedProfileName } from "./profiles/index.js";
export { ConfigError } from "./config-error.js";
export type { ConfigErrorCode, ConfigIssue } from "./config-error.js";
export { CONFIG_FILE_NAME, loadConfig } from "./load.js";
export type { LoadConfigOptions, ResolvedConfig } from "./load.js";
export { LEGACY_ENV_ALIASES } from "./environment.js";
export { envNameFor, listSettings, settingsMarkdownTable } from "./settings-table.js";
export type { SettingInfo, SettingKind } from "./settings-table.js";
export { describeConfig, formatConfig } from "./format-config.js";
export type { ConfigEntry } from "./format-config.js";
export { ensureDataDirs, findBrowserExecutable } from "./machine.js";
