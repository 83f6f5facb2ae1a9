import type { Kysely } from "kysely";

/**
 * `0009_track_lyrics`: a track keeps the lyrics its song was made with — given, or written by the site for the
 * generation's `lyricsPrompt` — and their id as the app computes it (uuid v5 of the text).
 */
export async function addTrackLyrics(db: Kysely<unknown>): Promise<void> {
  for (const name of ["lyrics", "lyrics_id"]) {
    await db.schema.alterTable("tracks").addColumn(name, "text").execute();
  }
}
