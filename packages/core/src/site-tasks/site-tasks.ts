import { SongOperations } from "../operation-helpers.js";
import type { CreateImageInput } from "./image.js";
import type { SiteTaskInput, SiteTaskResult } from "./run-site-task.js";
import type { DescribeSongAnswer, DescribeSongInput } from "./song-describe.js";

/**
 * The typed helpers of `runTask`, shared by the in-process service and the daemon's client (as `SongOperations`
 * are for `operate`): `producer.writeLyrics({ prompt })` is `runTask({ kind: "lyrics.write", prompt })`.
 */
export abstract class SiteTasks extends SongOperations {
  /** Runs one task that is not a song (lyrics, an image, a caption, an upload, a rename); see `SITE_TASKS`. */
  abstract runTask(input: SiteTaskInput): Promise<SiteTaskResult>;

  /** Makes an image (`image__create_image`) and stores it beside the audio: `result` is `{ key, url, format, sizeBytes, sha256 }`. */
  createImage(input: CreateImageInput): Promise<SiteTaskResult> {
    return this.runTask({ kind: "image.create", ...input });
  }

  /**
   * What a song holds (`audio__caption`, `audio__transcribe`; little or no cost): `result` is `{ clipId, caption,
   * lyrics, trackIds }`, the caption and lyrics also kept on the song's stored tracks.
   */
  describeSong(input: DescribeSongInput): Promise<DescribeSongAnswer> {
    return this.runTask({ kind: "song.describe", ...input }) as Promise<DescribeSongAnswer>;
  }

}
