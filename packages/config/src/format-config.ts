import type { ResolvedConfig } from "./load.js";
import { listSettings } from "./settings-table.js";

export interface ConfigEntry {
  path: string;
  env: string;
  /** The effective value, `****` for a secret that is set. */
  value: unknown;
  source: string;
}

function valueAt(tree: unknown, dotted: string): unknown {
  return dotted.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], tree);
}

/** Every setting's effective value and where it came from, secrets masked. Safe to print or serve. */
export function describeConfig(resolved: ResolvedConfig): ConfigEntry[] {
  return listSettings().map((info) => {
    const value = valueAt(resolved.config, info.path);
    return {
      path: info.path,
      env: info.env,
      value: info.secret && value !== undefined ? "****" : value,
      source: resolved.sources.get(info.path) ?? "default",
    };
  });
}

/** The printable view: one line a setting, `key = value  (source)`. */
export function formatConfig(resolved: ResolvedConfig): string {
  const entries = describeConfig(resolved);
  const width = Math.max(...entries.map((entry) => entry.path.length));
  const lines = entries.map((entry) => {
    const shown = entry.value === undefined ? "(unset)" : JSON.stringify(entry.value);
    return `${entry.path.padEnd(width)} = ${shown}  (${entry.source})`;
  });
  const header = resolved.configFile ? `# config file: ${resolved.configFile}` : "# no config file";
  return [header, ...lines].join("\n");
}
