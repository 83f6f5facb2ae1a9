import type { z } from "zod";
import { configSchema } from "./schema.js";
import { settingsRegistry } from "./setting.js";

export type SettingKind = "string" | "number" | "boolean" | "enum" | "array" | "record";

/** One leaf of the configuration schema, as the table in the README shows it. */
export interface SettingInfo {
  /** Dotted key path, such as `site.timeouts.navigationMs`. */
  path: string;
  /** The `PRODUCER_*` environment variable that sets it. */
  env: string;
  kind: SettingKind;
  /** Allowed values of an enum setting. */
  values?: readonly string[];
  /** The default as a printable string, or undefined when there is none. */
  defaultText: string | undefined;
  doc: string;
  secret: boolean;
}

interface ZodInternals {
  _zod: { def: Record<string, unknown> & { type: string } };
}

const defOf = (schema: unknown) => (schema as ZodInternals)._zod.def;

/** `site.timeouts.navigationMs` → `PRODUCER_SITE_TIMEOUTS_NAVIGATION_MS`. */
export function envNameFor(path: string): string {
  return `PRODUCER_${path
    .split(".")
    .map((part) => part.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase())
    .join("_")}`;
}

function describeLeaf(path: string, schema: z.ZodType): SettingInfo {
  const meta = settingsRegistry.get(schema);
  if (!meta) throw new Error(`setting ${path} has no documentation`);
  let current: unknown = schema;
  let defaultValue: unknown;
  for (;;) {
    const def = defOf(current);
    if (def.type === "default") {
      defaultValue = def.defaultValue;
      current = def.innerType;
    } else if (def.type === "optional" || def.type === "prefault") {
      current = def.innerType;
    } else if (def.type === "pipe") {
      current = def.in;
    } else break;
  }
  const def = defOf(current);
  const kind = def.type as SettingKind;
  if (!["string", "number", "boolean", "enum", "array", "record"].includes(kind)) {
    throw new Error(`setting ${path} has an unsupported type ${def.type}`);
  }
  const info: SettingInfo = {
    path,
    env: meta.env ?? envNameFor(path),
    kind,
    defaultText:
      meta.defaultLabel ??
      (defaultValue === undefined
        ? undefined
        : Array.isArray(defaultValue)
          ? defaultValue.join(",")
          : typeof defaultValue === "object"
            ? JSON.stringify(defaultValue)
            : String(defaultValue)),
    doc: meta.doc,
    secret: meta.secret === true,
  };
  if (kind === "enum") info.values = Object.values(def.entries as Record<string, string>);
  return info;
}

function walk(schema: unknown, path: string[], out: SettingInfo[]): void {
  let def = defOf(schema);
  // Whole sections are wrapped in `.prefault({})`; look through to the object.
  while (def.type === "prefault" && defOf(def.innerType).type === "object") def = defOf(def.innerType);
  if (def.type === "object") {
    for (const [key, child] of Object.entries(def.shape as Record<string, unknown>)) walk(child, [...path, key], out);
    return;
  }
  out.push(describeLeaf(path.join("."), schema as z.ZodType));
}

let cached: readonly SettingInfo[] | undefined;

/** Every setting with its environment variable, default and documentation, in schema order. */
export function listSettings(): readonly SettingInfo[] {
  if (!cached) {
    const out: SettingInfo[] = [];
    walk(configSchema, [], out);
    cached = Object.freeze(out);
  }
  return cached;
}

export function settingAt(path: string): SettingInfo | undefined {
  return listSettings().find((info) => info.path === path);
}

/** The settings table in Markdown, as published in the package README. */
export function settingsMarkdownTable(): string {
  const escapePipes = (text: string) => text.replaceAll("|", "\\|");
  const rows = listSettings().map((info) => {
    const shown =
      info.defaultText === undefined ? "—" : info.defaultText === "" ? '`""`' : `\`${escapePipes(info.defaultText)}\``;
    const type = info.kind === "enum" ? (info.values ?? []).join(" \\| ") : info.kind;
    const secret = info.secret ? " **Secret**: environment or code only." : "";
    return `| \`${info.path}\` | \`${info.env}\` | ${type} | ${shown} | ${escapePipes(info.doc)}${secret} |`;
  });
  return ["| key | environment | type | default | meaning |", "|---|---|---|---|---|", ...rows].join("\n");
}
