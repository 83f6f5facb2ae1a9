import type { AudioFormat } from "@producer/config";
import type { GeneratedSong } from "@producer/utils";
import type { FlowContext } from "../flow-context.js";
import { songOf } from "../generated-song.js";
import type { ClipState } from "../site-answers.js";
import type { SongFiles } from "../song-files.js";

/**
 * Convert: no tool call and no new clip. The site converts on download (`/__api/download/audio/<id>?format=`,
 * free), so the source clip is fetched in the asked format the ways every song is — its storage link of that
 * format when it has one, else that endpoint, else its library menu — and checked by its first bytes. Comes
 * back: the source clip itself, in the new format. An import is the same fetch in the job's format: a song the
 * library already has, stored as it is.
 */
export async function convertSong(
  context: FlowContext,
  files: SongFiles,
  clip: ClipState,
  format: AudioFormat,
): Promise<GeneratedSong[]> {
  context.progress({ stage: "downloading", songNumber: 1, songCount: 1 });
  const filePath = await files.download(clip, 0, format);
  context.progress({ stage: "done", songCount: 1 });
  return [songOf(clip, 0, filePath, { prompt: "", format })];
}
