import type { Kysely } from "kysely";

/**
 * `0010_track_images`: a track links the cover image made with its generation (`image: true`), stored beside
 * its audio — the image's storage key and URL — or says why the image could not be made (the songs were kept).
 */
export async function addTrackImages(db: Kysely<unknown>): Promise<void> {
  for (const name of ["image_key", "image_url", "image_error"]) {
    await db.schema.alterTable("tracks").addColumn(name, "text").execute();
  }
}
