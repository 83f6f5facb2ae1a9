import {
  AUDIO_CONTENT_TYPES,
  type AudioFileFormat,
  type ByteRange,
  NotFoundError,
  type Storage,
} from "@producer/utils";
import type { Track } from "./job.js";
import type { TrackAudio } from "./producer-backend.js";

/** A stored track's bytes (only `range` of them when given), with the content type its format plays as. */
export async function openStoredAudio(track: Track, storage: Storage, range?: ByteRange): Promise<TrackAudio> {
  const stream = await storage.open(track.storage.key, range ? { range } : {});
  if (!stream) {
    throw new NotFoundError(`The audio of track ${track.id} is no longer in storage (${track.storage.key}).`, {
      details: { trackId: track.id, key: track.storage.key },
    });
  }
  const contentType = AUDIO_CONTENT_TYPES[track.format as AudioFileFormat] ?? "application/octet-stream";
  return { track, contentType, stream };
}
