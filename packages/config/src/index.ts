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
  type AccountConfig,
  type ParsedConfig,
  type ProducerConfig,
  type ProducerConfigInput,
} from "./schema.js";
export { AUDIO_FORMATS, type AudioFormat } from "./schema/site.js";
export { DEFAULT_BROWSER_ARGS, FORBIDDEN_BROWSER_ARGS } from "./schema/browser.js";
export { ACCOUNT_NAME } from "./schema/accounts.js";
export { KEY_TEMPLATE_FIELDS } from "./schema/storage.js";
export {
  FLOW_NEEDS,
  GENERATION_MODES,
  locatorSchema,
  MENU_PLACES,
  SITE_CONTROLS,
  SITE_FLOWS,
  siteProfileSchema,
  type GenerationMode,
  type LocatorSpec,
  type MenuPlace,
  type SiteControl,
  type SiteFlow,
  type SiteProfile,
  type SiteProfileInput,
} from "./site-profile.js";
export {
  answerShapeSchema,
  answerShapesSchema,
  fieldOf,
  type AnswerShape,
  type AnswerShapes,
} from "./answer-shapes.js";
export { resolveSite, type ResolvedSite } from "./resolve-site.js";
export { effectiveProfile, profileEntries, type ProfileEntry } from "./effective-profile.js";
export { unsupportedControls, type ControlRequest } from "./site-controls.js";
export { DEFAULT_PROFILE, SHIPPED_PROFILES, type ShippedProfileName } from "./profiles/index.js";
export { ConfigError, type ConfigErrorCode, type ConfigIssue } from "./config-error.js";
export { CONFIG_FILE_NAME } from "./config-layers.js";
export { loadConfig, type LoadConfigOptions, type ResolvedConfig } from "./load.js";
export { LEGACY_ENV_ALIASES } from "./environment.js";
export {
  envNameFor,
  listSettings,
  settingsMarkdownTable,
  type SettingInfo,
  type SettingKind,
} from "./settings-table.js";
export { describeConfig, formatConfig, type ConfigEntry } from "./format-config.js";
export { ensureDataDirs, findBrowserExecutable } from "./machine.js";
