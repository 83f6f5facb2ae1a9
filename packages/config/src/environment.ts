import { listSettings, type SettingInfo } from "./settings-table.js";

/** A value read from one layer, with the name it was read under. */
export interface LayerValue {
  path: string;
  value: unknown;
  /** `env NAME`, `file /path`, `option`. */
  source: string;
}

const TRUE_WORDS = new Set(["1", "true", "yes", "on"]);
const FALSE_WORDS = new Set(["0", "false", "no", "off"]);

/**
 * Turns an environment string into the setting's type. A value that does not convert is passed on as the
 * string it was, so the schema reports it with the key, the variable and the value received.
 */
export function coerceEnvValue(info: SettingInfo, raw: string): unknown {
  const text = raw.trim();
  switch (info.kind) {
    case "number":
      return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : raw;
    case "boolean": {
      const word = text.toLowerCase();
      return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : raw;
    }
    case "array":
      if (text.startsWith("[")) {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          return raw;
        }
      }
      return text === "" ? [] : text.split(",").map((item) => item.trim());
    case "record":
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return raw;
      }
    default:
      return raw;
  }
}

interface LegacyAlias {
  name: string;
  path: string;
  convert?: (raw: string) => unknown;
}

const secondsToMs = (raw: string): unknown => {
  const seconds = Number(raw.trim());
  return raw.trim() !== "" && Number.isFinite(seconds) ? Math.round(seconds * 1000) : raw;
};

/** The earlier service's variable names, still accepted with a one-time deprecation warning. */
export const LEGACY_ENV_ALIASES: readonly LegacyAlias[] = [
  { name: "PRODUCER_AI_EMAIL", path: "session.email" },
  { name: "PRODUCER_AI_PASSWORD", path: "session.password" },
  { name: "PRODUCER_AI_DOWNLOAD_PATH", path: "paths.downloadsDir" },
  {
    name: "DISABLE_PRODUCER_AI",
    path: "enabled",
    convert: (raw) => {
      const word = raw.trim().toLowerCase();
      return TRUE_WORDS.has(word) ? false : FALSE_WORDS.has(word) ? true : raw;
    },
  },
  { name: "PRODUCER_AI_PAGE_LOAD_TIMEOUT", path: "site.timeouts.navigationMs" },
  { name: "PRODUCER_AI_ELEMENT_WAIT_TIMEOUT", path: "site.timeouts.elementMs" },
  { name: "PRODUCER_AI_GENERATION_TIMEOUT", path: "site.timeouts.generationMs" },
  { name: "PRODUCER_AI_MIN_DELAY", path: "site.pacing.actionDelayMinMs", convert: secondsToMs },
  { name: "PRODUCER_AI_MAX_DELAY", path: "site.pacing.actionDelayMaxMs", convert: secondsToMs },
  { name: "PRODUCER_AI_MAX_WINDOWS", path: "browser.pageCount" },
  { name: "PRODUCER_AI_ANTI_BOT_DELAY_MIN", path: "site.pacing.submitGapMinMs", convert: secondsToMs },
  { name: "PRODUCER_AI_ANTI_BOT_DELAY_MAX", path: "site.pacing.submitGapMaxMs", convert: secondsToMs },
  { name: "S3_BUCKET", path: "storage.s3.bucket" },
  { name: "S3_ENDPOINT_URL", path: "storage.s3.endpoint" },
  { name: "S3_ACCESS_KEY", path: "storage.s3.accessKeyId" },
  { name: "S3_SECRET_KEY", path: "storage.s3.secretAccessKey" },
  { name: "S3_REGION", path: "storage.s3.region" },
  { name: "DATABASE_URL", path: "database.url" },
];

const warnedAliases = new Set<string>();

function warnOnce(alias: LegacyAlias, canonical: string): void {
  if (warnedAliases.has(alias.name)) return;
  warnedAliases.add(alias.name);
  process.emitWarning(`${alias.name} is deprecated; set ${canonical} instead.`, {
    type: "DeprecationWarning",
    code: "PRODUCER_DEP_ENV",
  });
}

/**
 * Every setting found in the environment. The project's own `PRODUCER_*` name wins over a legacy alias of the
 * same key; a legacy alias in use warns once per process.
 */
export function readEnvironment(env: NodeJS.ProcessEnv): LayerValue[] {
  const found = new Map<string, LayerValue>();
  const settings = listSettings();
  for (const alias of LEGACY_ENV_ALIASES) {
    const raw = env[alias.name];
    if (raw === undefined) continue;
    const info = settings.find((candidate) => candidate.path === alias.path);
    if (!info) throw new Error(`legacy alias ${alias.name} names an unknown setting ${alias.path}`);
    warnOnce(alias, info.env);
    const value = alias.convert ? alias.convert(raw) : coerceEnvValue(info, raw);
    found.set(alias.path, { path: alias.path, value, source: `env ${alias.name}` });
  }
  for (const info of settings) {
    const raw = env[info.env];
    if (raw === undefined || raw === "") continue;
    found.set(info.path, { path: info.path, value: coerceEnvValue(info, raw), source: `env ${info.env}` });
  }
  return [...found.values()];
}
