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

/**
 * One page of `rows`, asked for with `limit + 1` so that a row past the page tells there is a next one: its cursor
 * names the page's last row by `cursorParts`.
 */
export function pageOf<Row>(
  rows: Row[],
  limit: number,
  kind: string,
  cursorParts: (row: Row) => Array<string | number>,
): { page: Row[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { page, nextCursor: rows.length > limit && last ? encodeCursor(kind, cursorParts(last)) : null };
}
