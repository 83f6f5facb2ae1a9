import { sql, type RawBuilder, type SqlBool } from "kysely";

/** The columns a search over one's tracks reads: what the song is called, was asked to be, and was heard to hold. */
const SEARCHED = ["title", "prompt", "caption", "transcript"] as const;

/** The words of a search, each at most once, lower-cased; quotes and punctuation around a word dropped. */
export function searchWords(search: string): string[] {
  const words = search
    .toLowerCase()
    .split(/\s+/)
    .map((word) => word.replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, ""))
    .filter((word) => word.length > 0);
  return [...new Set(words)].slice(0, 20);
}

/** `word` as a LIKE pattern matching it anywhere, its own `%`, `_` and `\` taken literally. */
const containing = (word: string) => `%${word.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/**
 * The condition that every word of a search is found, in any case, in one of the searched columns — the same
 * SQL on SQLite and PostgreSQL (`lower(…) like … escape`, never ILIKE).
 */
export function matchesSearch(search: string): RawBuilder<SqlBool> | undefined {
  const words = searchWords(search);
  if (words.length === 0) return undefined;
  const each = words.map((word) => {
    const pattern = containing(word);
    const columns = SEARCHED.map((column) => sql`lower(coalesce(${sql.ref(column)}, '')) like ${pattern} escape '\\'`);
    return sql`(${sql.join(columns, sql` or `)})`;
  });
  return sql<SqlBool>`(${sql.join(each, sql` and `)})`;
}
