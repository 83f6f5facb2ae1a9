import type { z } from "zod";
import { ConfigError } from "./config-error.js";
import { getPath, type Layers } from "./config-layers.js";
import { configSchema, type ParsedConfig } from "./schema.js";
import { envNameFor, settingAt } from "./settings-table.js";

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

/** The setting at `dotted` or, inside a record setting such as `site.locators`, the record's. */
function nearestSetting(dotted: string) {
  const parts = dotted.split(".");
  for (let length = parts.length; length > 0; length -= 1) {
    const found = settingAt(parts.slice(0, length).join("."));
    if (found) return found;
  }
  return undefined;
}

/**
 * Checks the merged layers against the schema once. Throws one `ConfigError` naming every invalid or unknown
 * key — with its environment variable, where its value came from and that value — and the layers' own issues.
 */
export function validateLayers({ raw, sources, issues }: Layers): ParsedConfig {
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
  return result.data;
}
