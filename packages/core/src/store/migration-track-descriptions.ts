import type { Kysely } from "kysely";

/**
 * `0011_track_descriptions`: what a song holds, as the site heard it — a caption of its sound and the lyrics it
 * sings (`describe: true` on a generation, or `describe` later) — or why they could not be had (the song was
 * kept). Searching one's tracks reads them beside the title and the prompt.
 */
export async function addTrackDescriptions(db: Kysely<unknown>): Promise<void> {
  for (const name of ["caption", "transcript", "describe_error"]) {
    await db.schema.alterTable("tracks").addColumn(name, "text").execute();
  }
}
