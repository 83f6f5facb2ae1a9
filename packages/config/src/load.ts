import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { z } from "zod";
import { ConfigError, type ConfigIssue } from "./config-error.js";
import { readEnvironment, type LayerValue } from "./environment.js";
import { resolveSite } from "./resolve-site.js";
import { configSchema, type AccountConfig, type ProducerConfig, type ProducerConfigInput } from "./schema.js";
import { envNameFor, listSettings, settingAt } from "./settings-table.js";

export const CONFIG_FILE_NAME = "producer.config.json";

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

type Tree = Record<string, unknown>;

const isTree = (value: unknown): value is Tree =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function getPath(tree: unknown, dotted: string): unknown {
  let current = tree;
  for (const part of dotted.split(".")) {
    if (!isTree(current)) return undefined;
    current = current[part];
  }
  return current;
}

function setPath(tree: Tree, dotted: string, value: unknown): void {
  const parts = dotted.split(".");
  let current = tree;
  for (const part of parts.slice(0, -1)) {
    if (!isTree(current[part])) current[part] = {};
    current = current[part] as Tree;
  }
  current[parts[parts.length - 1] as string] = value;
}

function mergeInto(target: Tree, layer: Tree): void {
  for (const [key, value] of Object.entries(layer)) {
    if (value === undefined) continue;
    if (isTree(value) && isTree(target[key])) mergeInto(target[key] as Tree, value);
    else target[key] = isTree(value) ? structuredClone(value) : value;
  }
}

/** The known leaves a layer sets, for the sources map. */
function leavesOf(tree: Tree, source: string): LayerValue[] {
  return listSettings()
    .map((info) => ({ path: info.path, value: getPath(tree, info.path), source }))
    .filter((leaf) => leaf.value !== undefined);
}

function formatReceived(dotted: string, value: unknown): string {
  if (value === undefined) return "nothing";
  if (settingAt(dotted)?.secret) return '"****"';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Wording of a schema issue as the thing that was expected; refinements already speak that way. */
function expectedText(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.expected === "int" ? "a whole number" : `a ${issue.expected}`;
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
      const word = issue.code === "too_small" ? "at least" : "at most";
      if (issue.origin === "string") return `text of ${word} ${String(bound)} characters`;
      if (issue.origin === "array") return `a list of ${word} ${String(bound)} items`;
      return `a number ${issue.code === "too_small" ? ">=" : "<="} ${String(bound)}`;
    }
    case "invalid_value":
      return `one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    case "invalid_format":
      if (issue.format === "url") return "an http(s) URL";
      if (issue.format === "starts_with") return `text starting with "${String(issue.prefix)}"`;
      return `a valid ${issue.format}`;
    default:
      return issue.message ?? "a valid value";
  }
}

function readConfigFile(file: string): Tree {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`Cannot read the config file ${file}: ${(error as NodeJS.ErrnoException).code ?? "error"}`, {
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`The config file ${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!isTree(parsed)) throw new ConfigError(`The config file ${file} must hold a JSON object.`);
  return parsed;
}

function locateConfigFile(options: LoadConfigOptions, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  if (options.configFile === false) return undefined;
  const explicit = options.configFile ?? env.PRODUCER_CONFIG;
  if (explicit) return path.resolve(cwd, explicit);
  const candidate = path.join(cwd, CONFIG_FILE_NAME);
  return fs.existsSync(candidate) ? candidate : undefined;
}

/** The setting at `dotted` or, inside a record setting such as `site.locators`, the record's. */
function nearestSetting(dotted: string) {
  const parts = dotted.split(".");
  for (let length = parts.length; length > 0; length -= 1) {
    const found = settingAt(parts.slice(0, length).join("."));
    if (found) return found;
  }
  return undefined;
}

/** Longest Unix socket path Linux accepts (sun_path less its terminator). */
const MAX_SOCKET_PATH_BYTES = 107;

/**
 * Reads every layer — defaults < config file < environment < options in code — validates the result once and
 * resolves derived paths. Throws one `ConfigError` listing every invalid key.
 */
export function loadConfig(options: LoadConfigOptions = {}): ResolvedConfig {
  const env = options.env ?? process.env;
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const home = options.homeDir ?? os.homedir();
  const sources = new Map<string, string>();
  const raw: Tree = {};
  const issues: ConfigIssue[] = [];

  const configFile = locateConfigFile(options, env, cwd);
  if (configFile) {
    const fileTree = readConfigFile(configFile);
    mergeInto(raw, fileTree);
    for (const leaf of leavesOf(fileTree, `file ${configFile}`)) {
      sources.set(leaf.path, leaf.source);
      if (settingAt(leaf.path)?.secret) {
        issues.push({
          path: leaf.path,
          env: envNameFor(leaf.path),
          source: leaf.source,
          received: '"****"',
          expected: "no secret in a config file (set it in the environment instead)",
        });
      }
    }
  }
  for (const leaf of readEnvironment(env)) {
    setPath(raw, leaf.path, leaf.value);
    sources.set(leaf.path, leaf.source);
  }
  if (options.overrides) {
    mergeInto(raw, options.overrides as Tree);
    for (const leaf of leavesOf(options.overrides as Tree, "option")) sources.set(leaf.path, leaf.source);
  }

  const result = configSchema.safeParse(raw, { error: (issue) => expectedText(issue) });
  if (!result.success) {
    for (const issue of result.error.issues) {
      const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
      for (const key of keys) {
        const dotted = [...issue.path, ...(key === undefined ? [] : [key])].map(String).join(".");
        issues.push({
          path: dotted,
          env: key === undefined ? (nearestSetting(dotted)?.env ?? envNameFor(dotted)) : "",
          source: sources.get(dotted) ?? (key === undefined ? "default" : "an unknown key"),
          received: formatReceived(dotted, getPath(raw, dotted)),
          expected: key === undefined ? issue.message : "no such key (check its spelling)",
        });
      }
    }
  }
  if (issues.length > 0 || !result.success) throw ConfigError.fromIssues(issues);

  const parsed = result.data;
  const absolute = (value: string) =>
    value === "~" ? home : value.startsWith("~/") ? path.join(home, value.slice(2)) : path.resolve(cwd, value);
  const dataDir = absolute(
    parsed.paths.dataDir ?? (env.XDG_DATA_HOME ? path.join(env.XDG_DATA_HOME, "producer") : path.join(home, ".producer")),
  );
  const inDataDir = (value: string | undefined, name: string) => absolute(value ?? path.join(dataDir, name));

  const databaseUrl = parsed.database.url ?? `sqlite:${path.join(dataDir, "producer.db")}`;
  const dialect = /^postgres(ql)?:\/\//.test(databaseUrl) ? "postgres" : "sqlite";
  const sqlitePath = databaseUrl.replace(/^(sqlite|file):(\/\/)?/, "");

  const driver = parsed.storage.driver === "auto" ? (parsed.storage.s3.bucket ? "s3" : "local") : parsed.storage.driver;
  if (driver === "s3" && !parsed.storage.s3.bucket) {
    issues.push({
      path: "storage.s3.bucket",
      env: envNameFor("storage.s3.bucket"),
      source: sources.get("storage.s3.bucket") ?? "default",
      received: "nothing",
      expected: "a bucket name (storage.driver is s3)",
    });
  }
  const socketPath = inDataDir(parsed.daemon.socketPath, "producer.sock");
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) {
    issues.push({
      path: "daemon.socketPath",
      env: envNameFor("daemon.socketPath"),
      source: sources.get("daemon.socketPath") ?? "default (in paths.dataDir)",
      received: JSON.stringify(socketPath),
      expected: `a path of at most ${MAX_SOCKET_PATH_BYTES} bytes (set a shorter daemon.socketPath)`,
    });
  }
  const site = resolveSite(parsed.site, { cwd, explicit: (dotted) => sources.has(dotted) });
  if (Array.isArray(site)) issues.push(...site);
  if (issues.length > 0 || Array.isArray(site)) throw ConfigError.fromIssues(issues);
  const accounts: AccountConfig[] = [];
  for (const [index, account] of parsed.accounts.entries()) {
    const own = account.profile
      ? resolveSite({ ...parsed.site, profile: account.profile }, { cwd, explicit: (dotted) => sources.has(dotted) })
      : site;
    if (Array.isArray(own)) {
      issues.push(...own.map((issue) => ({ ...issue, path: `accounts.${index}.profile` })));
      continue;
    }
    accounts.push({
      name: account.name,
      stateFile: absolute(account.stateFile ?? path.join(dataDir, "accounts", `${account.name}.json`)),
      site: own,
      maxConcurrency: account.maxConcurrency ?? parsed.browser.pageCount,
      weight: account.weight,
      paused: account.paused,
      declared: true,
    });
  }
  if (issues.length > 0) throw ConfigError.fromIssues(issues);
  const stateFile = inDataDir(parsed.paths.stateFile, "state.json");
  if (accounts.length === 0) {
    accounts.push({ name: "default", stateFile, site, maxConcurrency: parsed.browser.pageCount, weight: 1, paused: false, declared: false });
  }

  const config: ProducerConfig = {
    ...parsed,
    site,
    paths: {
      dataDir,
      downloadsDir: inDataDir(parsed.paths.downloadsDir, "downloads"),
      artifactsDir: inDataDir(parsed.paths.artifactsDir, "artifacts"),
      stateFile,
    },
    accounts,
    storage: { ...parsed.storage, driver, localDir: inDataDir(parsed.storage.localDir, "storage") },
    database: {
      dialect,
      poolSize: parsed.database.poolSize,
      sqliteSynchronous: parsed.database.sqliteSynchronous,
      url:
        dialect === "postgres" || sqlitePath === ":memory:" ? databaseUrl : `sqlite:${absolute(sqlitePath)}`,
    },
    daemon: { ...parsed.daemon, socketPath, tokenFile: path.join(dataDir, "daemon-token") },
  };
  return { config: deepFreeze(config), sources, configFile };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
