import os from "node:os";
import path from "node:path";
import { ConfigError, type ConfigIssue } from "./config-error.js";
import { readLayers } from "./config-layers.js";
import { resolveSite, type ResolvedSite } from "./resolve-site.js";
import type { AccountConfig, ParsedConfig, ProducerConfig, ProducerConfigInput } from "./schema.js";
import { validateLayers } from "./schema-issues.js";
import { envNameFor } from "./settings-table.js";

export interface LoadConfigOptions {
  /** Settings passed in code; they win over every other layer. */
  overrides?: ProducerConfigInput;
  /** Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Where relative paths and `producer.config.json` are looked up. Defaults to `process.cwd()`. */
  cwd?: string;
  /** A config file to read, or `false` for none. Defaults to `$PRODUCER_CONFIG`, else `./producer.config.json` if present. */
  configFile?: string | false;
  /** Home folder for `~` and the default data dir. Defaults to `os.homedir()`. */
  homeDir?: string;
}

export interface ResolvedConfig {
  config: ProducerConfig;
  /** Where each key's value came from: `default`, `file <path>`, `env NAME`, `option`. Keys not listed are defaults. */
  sources: ReadonlyMap<string, string>;
  configFile: string | undefined;
}

/** Longest Unix socket path Linux accepts (sun_path less its terminator). */
const MAX_SOCKET_PATH_BYTES = 107;

/** Where relative and `~` paths land, and the data dir every default path sits in. */
interface Places {
  dataDir: string;
  absolute(value: string): string;
  /** `value`, or `name` inside the data dir, made absolute. */
  inDataDir(value: string | undefined, name: string): string;
}

/**
 * Reads every layer — defaults < config file < environment < options in code — validates the result once and
 * resolves derived paths. Throws one `ConfigError` listing every invalid key.
 */
export function loadConfig(options: LoadConfigOptions = {}): ResolvedConfig {
  const env = options.env ?? process.env;
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const layers = readLayers(options, env, cwd);
  const { sources } = layers;
  const parsed = validateLayers(layers);
  const places = placesOf(parsed, env, cwd, options.homeDir ?? os.homedir());

  const driver = parsed.storage.driver === "auto" ? (parsed.storage.s3.bucket ? "s3" : "local") : parsed.storage.driver;
  const socketPath = places.inDataDir(parsed.daemon.socketPath, "producer.sock");
  const issues = relatedIssues(parsed, sources, driver, socketPath);
  const explicit = (dotted: string) => sources.has(dotted);
  const site = resolveSite(parsed.site, { cwd, explicit });
  if (Array.isArray(site)) issues.push(...site);
  if (issues.length > 0 || Array.isArray(site)) throw ConfigError.fromIssues(issues);
  const stateFile = places.inDataDir(parsed.paths.stateFile, "state.json");
  const accounts = resolveAccounts(parsed, site, places, { cwd, explicit, stateFile });

  const config: ProducerConfig = {
    ...parsed,
    site,
    paths: {
      dataDir: places.dataDir,
      downloadsDir: places.inDataDir(parsed.paths.downloadsDir, "downloads"),
      artifactsDir: places.inDataDir(parsed.paths.artifactsDir, "artifacts"),
      stateFile,
    },
    accounts,
    storage: { ...parsed.storage, driver, localDir: places.inDataDir(parsed.storage.localDir, "storage") },
    database: resolveDatabase(parsed.database, places),
    daemon: { ...parsed.daemon, socketPath, tokenFile: path.join(places.dataDir, "daemon-token") },
  };
  return { config: deepFreeze(config), sources, configFile: layers.configFile };
}

function placesOf(parsed: ParsedConfig, env: NodeJS.ProcessEnv, cwd: string, home: string): Places {
  const absolute = (value: string) =>
    value === "~" ? home : value.startsWith("~/") ? path.join(home, value.slice(2)) : path.resolve(cwd, value);
  const dataDir = absolute(
    parsed.paths.dataDir ??
      (env.XDG_DATA_HOME ? path.join(env.XDG_DATA_HOME, "producer") : path.join(home, ".producer")),
  );
  return { dataDir, absolute, inDataDir: (value, name) => absolute(value ?? path.join(dataDir, name)) };
}

/** Values valid alone but not together: S3 storage without a bucket, a socket path longer than Linux takes. */
function relatedIssues(
  parsed: ParsedConfig,
  sources: ReadonlyMap<string, string>,
  driver: "s3" | "local",
  socketPath: string,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (driver === "s3" && !parsed.storage.s3.bucket) {
    issues.push({
      path: "storage.s3.bucket",
      env: envNameFor("storage.s3.bucket"),
      source: sources.get("storage.s3.bucket") ?? "default",
      received: "nothing",
      expected: "a bucket name (storage.driver is s3)",
    });
  }
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) {
    issues.push({
      path: "daemon.socketPath",
      env: envNameFor("daemon.socketPath"),
      source: sources.get("daemon.socketPath") ?? "default (in paths.dataDir)",
      received: JSON.stringify(socketPath),
      expected: `a path of at most ${MAX_SOCKET_PATH_BYTES} bytes (set a shorter daemon.socketPath)`,
    });
  }
  return issues;
}

/** The declared accounts, each on its own site when it names a profile; without any, the implicit `default`. */
function resolveAccounts(
  parsed: ParsedConfig,
  site: ResolvedSite,
  places: Places,
  context: { cwd: string; explicit: (dotted: string) => boolean; stateFile: string },
): AccountConfig[] {
  const issues: ConfigIssue[] = [];
  const accounts: AccountConfig[] = [];
  for (const [index, account] of parsed.accounts.entries()) {
    const own = account.profile
      ? resolveSite({ ...parsed.site, profile: account.profile }, { cwd: context.cwd, explicit: context.explicit })
      : site;
    if (Array.isArray(own)) {
      issues.push(...own.map((issue) => ({ ...issue, path: `accounts.${index}.profile` })));
      continue;
    }
    accounts.push({
      name: account.name,
      stateFile: places.absolute(account.stateFile ?? path.join(places.dataDir, "accounts", `${account.name}.json`)),
      site: own,
      maxConcurrency: account.maxConcurrency ?? parsed.browser.pageCount,
      weight: account.weight,
      paused: account.paused,
      declared: true,
    });
  }
  if (issues.length > 0) throw ConfigError.fromIssues(issues);
  if (accounts.length === 0) {
    const { stateFile } = context;
    accounts.push({
      name: "default",
      stateFile,
      site,
      maxConcurrency: parsed.browser.pageCount,
      weight: 1,
      paused: false,
      declared: false,
    });
  }
  return accounts;
}

/** A SQLite path made absolute (`:memory:` kept), the dialect read from the URL. */
function resolveDatabase(database: ParsedConfig["database"], places: Places): ProducerConfig["database"] {
  const databaseUrl = database.url ?? `sqlite:${path.join(places.dataDir, "producer.db")}`;
  const dialect = /^postgres(ql)?:\/\//.test(databaseUrl) ? "postgres" : "sqlite";
  const sqlitePath = databaseUrl.replace(/^(sqlite|file):(\/\/)?/, "");
  return {
    dialect,
    poolSize: database.poolSize,
    sqliteSynchronous: database.sqliteSynchronous,
    url: dialect === "postgres" || sqlitePath === ":memory:" ? databaseUrl : `sqlite:${places.absolute(sqlitePath)}`,
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
