import { InvalidInputError } from "@producer/utils";

/**
 * Page cursors: opaque to callers, checked on the way back in — a cursor this service did not give out is an
 * `INVALID_INPUT`, never an empty or wrong page.
 */
export function encodeCursor(kind: string, parts: Array<string | number>): string {
  return Buffer.from([kind, ...parts].join("|")).toString("base64url");
}

export function decodeCursor(kind: string, cursor: string, pattern: RegExp): string[] {
  const [given, ...parts] = Buffer.from(cursor, "base64url").toString().split("|");
  if (given !== kind || !pattern.test(parts.join("|"))) {
    throw new InvalidInputError("The cursor is not one this service gave out.", [
      { path: "cursor", message: "is invalid" },
    ]);
  }
  return parts;
}
