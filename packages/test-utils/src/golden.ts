import fs from "node:fs";
import path from "node:path";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
/** Numbers that change from run to run: sizes, durations, positions, times in seconds, balances. */
const VARIABLE_NUMBERS = new Set([
  "file_size",
  "size",
  "size_mb",
  "duration",
  "queue_position",
  "estimated_wait_time",
  "attempts",
  "timestamp",
  "created_at",
  "started_at",
  "completed_at",
  "created",
  "modified",
  "last_check",
  "expires_at",
  "expires_in_seconds",
  "credits",
]);

/** A result with its run-to-run values (ids, hashes, times, ports, sizes, temp folders) replaced by placeholders. */
export function normalize(value: unknown, key = ""): unknown {
  if (Array.isArray(value)) return value.map((item) => normalize(item));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([name, child]) => [name, normalize(child, name)]));
  }
  if (typeof value === "number" && VARIABLE_NUMBERS.has(key)) return `<${typeof value}>`;
  if (typeof value !== "string") return value;
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return "<time>";
  if (/^[0-9a-f]{64}$/.test(value)) return "<sha256>";
  return (
    value
      .replace(/^(clip|gen)_\d+_[0-9a-f]{32}$/, "$1_<unix seconds>_<hex>")
      .replace(UUID, "<uuid>")
      .replace(/http:\/\/127\.0\.0\.1:\d+/g, "http://<s3>")
      .replace(/^\/.*\/producer-legacy-[^/]+\//, "<dir>/")
      // The marker title a generation without a title is submitted with: `<first words> · <6 hex>`.
      .replace(/ · [0-9a-f]{6}\b/g, " · <marker>")
  );
}

/**
 * The golden file `<dir>/<name>.json`, to compare with `normalize(value)`; `UPDATE_GOLDEN=1` writes it from
 * `value` first.
 */
export function golden(dir: string, name: string, value: unknown): unknown {
  const file = path.join(dir, `${name}.json`);
  if (process.env.UPDATE_GOLDEN === "1") {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(normalize(value), null, 2)}\n`);
  }
  return JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
}
