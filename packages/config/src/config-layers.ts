import fs from "node:fs";
import path from "node:path";
import { ConfigError, type ConfigIssue } from "./config-error.js";
import { readEnvironment, type LayerValue } from "./environment.js";
import { envNameFor, listSettings, settingAt } from "./settings-table.js";

export const CONFIG_FILE_NAME = "producer.config.json";

export type Tree = Record<string, unknown>;

/** Every layer merged into one raw tree, before the schema has seen it. */
export interface Layers {
  raw: Tree;
  /** Where each key's value came from: `file <path>`, `env NAME`, `option`. */
  sources: Map<string, string>;
  /** Problems found while reading, reported with the schema's. */
  issues: ConfigIssue[];
  configFile: string | undefined;
}

export const isTree = (value: unknown): value is Tree =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export function getPath(tree: unknown, dotted: string): unknown {
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

function locateConfigFile(
  configFile: string | false | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
): string | undefined {
  if (configFile === false) return undefined;
  const explicit = configFile ?? env.PRODUCER_CONFIG;
  if (explicit) return path.resolve(cwd, explicit);
  const candidate = path.join(cwd, CONFIG_FILE_NAME);
  return fs.existsSync(candidate) ? candidate : undefined;
}

/**
 * Reads the layers in order — config file < environment < options in code — into one tree, noting where each
 * key came from. A secret in the config file is an issue: secrets come from the environment or code only.
 */
export function readLayers(
  options: { configFile?: string | false; overrides?: object },
  env: NodeJS.ProcessEnv,
  cwd: string,
): Layers {
  const layers: Layers = { raw: {}, sources: new Map(), issues: [], configFile: undefined };
  const { raw, sources, issues } = layers;
  layers.configFile = locateConfigFile(options.configFile, env, cwd);
  if (layers.configFile) {
    const fileTree = readConfigFile(layers.configFile);
    mergeInto(raw, fileTree);
    for (const leaf of leavesOf(fileTree, `file ${layers.configFile}`)) {
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
  return layers;
}
