import { KEY_TEMPLATE_FIELDS } from "@producer/config";
import { InvalidInputError } from "../errors.js";

export type KeyField = (typeof KEY_TEMPLATE_FIELDS)[number];

/** Longest segment made from one user-supplied value, in UTF-8 bytes. */
export const MAX_SEGMENT_BYTES = 100;
/** S3's limit on a whole key. */
export const MAX_KEY_BYTES = 1024;

// biome-ignore lint/suspicious/noControlCharactersInRegex: the pattern exists to find them
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/gu;

function truncateUtf8(text: string, maxBytes: number): string {
  let out = "";
  let bytes = 0;
  for (const character of text) {
    const size = Buffer.byteLength(character);
    if (bytes + size > maxBytes) break;
    out += character;
    bytes += size;
  }
  return out;
}

/**
 * Makes one user-supplied value safe as a single key segment: no `/` or `\`, no control or invisible
 * characters, no `.`/`..`, no leading dot, letters, digits, `.`, `_` and `-` only (any script), bounded length.
 * Throws `InvalidInputError` when nothing usable is left.
 */
export function sanitizeKeySegment(value: string, field = "value"): string {
  const cleaned = value
    .normalize("NFKC")
    .replace(CONTROL_CHARACTERS, "")
    .replace(/[^\p{L}\p{N}._-]+/gu, "-")
    .replace(/[.-]*-[.-]*/g, "-")
    .replace(/\.{2,}/g, ".")
    .replace(/^[.-]+/, "")
    .replace(/[-]+$/, "");
  const bounded = truncateUtf8(cleaned, MAX_SEGMENT_BYTES).replace(/[.-]+$/, "");
  if (bounded === "" || bounded === "." || bounded === "..") {
    throw new InvalidInputError(
      `${field} has nothing usable for a storage key: ${JSON.stringify(value.slice(0, 40))}`,
      [{ path: field, message: "must contain letters or digits" }],
    );
  }
  return bounded;
}

/**
 * Fills a key template such as `users/{user_id}/projects/music-clip/{project_id}/audio/{filename}`; every value is
 * sanitized into one segment, so input can never add `/`, climb with `..` or reach another prefix.
 */
export function renderStorageKey(
  template: string,
  fields: Partial<Record<KeyField, string | number>>,
  prefix = "",
): string {
  const rendered = template.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    if (!(KEY_TEMPLATE_FIELDS as readonly string[]).includes(name)) {
      throw new InvalidInputError(`Unknown placeholder {${name}} in key template ${JSON.stringify(template)}`, [
        { path: "template", message: `unknown placeholder {${name}}` },
      ]);
    }
    const value = fields[name as KeyField];
    if (value === undefined || value === "") {
      throw new InvalidInputError(`The storage key needs ${name}`, [{ path: name, message: "is required" }]);
    }
    return sanitizeKeySegment(String(value), name);
  });
  const cleanPrefix = prefix.replace(/^\/+|\/+$/g, "");
  const key = cleanPrefix ? `${cleanPrefix}/${rendered}` : rendered;
  assertSafeKey(key);
  return key;
}

/** Rejects a key that is absolute, empty in a segment, climbs with `..`, holds control characters or is too long. */
export function assertSafeKey(key: string): void {
  const problem =
    key === ""
      ? "is empty"
      : key.startsWith("/")
        ? "starts with /"
        : key.split("/").some((segment) => segment === "" || segment === "." || segment === "..")
          ? "has an empty, '.' or '..' segment"
          : new RegExp(CONTROL_CHARACTERS.source, "u").test(key)
            ? "holds control characters"
            : Buffer.byteLength(key) > MAX_KEY_BYTES
              ? `is longer than ${MAX_KEY_BYTES} bytes`
              : undefined;
  if (problem) {
    throw new InvalidInputError(`Storage key ${JSON.stringify(key.slice(0, 80))} ${problem}`, [
      { path: "key", message: problem },
    ]);
  }
}
