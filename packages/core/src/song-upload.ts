import type { ProducerConfig } from "@producer/config";
import { AUDIO_CONTENT_TYPES, retry, type Logger, type Storage, type StoredObject } from "@producer/utils";
import type { JobInput } from "./generate-input.js";
import { storageKeyFor } from "./storage-key-for.js";
import type { CheckedSong } from "./verify-songs.js";

/** Where a song is stored: named for its job, its place in the job and its stem. */
function storageKey(jobId: string, input: JobInput, { song, facts }: CheckedSong, config: ProducerConfig): string {
  return storageKeyFor(config, input, {
    generation_id: jobId,
    job_id: jobId,
    song_index: song.index,
    format: facts.format,
    filename: `${jobId}-${song.index + 1}${song.stem ? `-${song.stem}` : ""}.${facts.format}`,
  });
}

/** What is kept with the stored object, so it can be told apart without the track row. */
function objectMetadata(jobId: string, input: JobInput, { song, facts }: CheckedSong): Record<string, string> {
  const metadata: Record<string, string> = {
    "job-id": jobId,
    "song-index": String(song.index),
    title: song.title,
    prompt: input.prompt,
    format: facts.format,
    "duration-secs": facts.durationSecs.toFixed(3),
    sha256: facts.sha256,
  };
  if (input.projectId) metadata["project-id"] = input.projectId;
  if (input.userId) metadata["user-id"] = input.userId;
  if (song.clipId) metadata["clip-id"] = song.clipId;
  if (song.stem) metadata.stem = song.stem;
  if (song.parentClipId) metadata["parent-clip-id"] = song.parentClipId;
  if (song.model) metadata.model = song.model;
  if (song.seed !== undefined) metadata.seed = String(song.seed);
  if (song.bpm !== undefined) metadata.bpm = String(song.bpm);
  if (song.creditsCharged !== undefined) metadata["credits-charged"] = String(song.creditsCharged);
  return metadata;
}

/** Uploads one checked song, trying again a few times when the store does not take it. */
export function uploadSong(
  checked: CheckedSong,
  job: { jobId: string; input: JobInput; signal: AbortSignal },
  deps: { config: ProducerConfig; storage: Storage; logger: Logger },
): Promise<StoredObject> {
  const { jobId, input, signal } = job;
  const key = storageKey(jobId, input, checked, deps.config);
  const metadata = objectMetadata(jobId, input, checked);
  return retry(
    () =>
      deps.storage.putFile(key, checked.song.filePath, {
        contentType: AUDIO_CONTENT_TYPES[checked.facts.format],
        metadata,
        signal,
      }),
    {
      maxAttempts: 4,
      baseDelayMs: 500,
      maxDelayMs: 5000,
      signal,
      onRetry: (error, attempt, delayMs) =>
        deps.logger.warn({ jobId, key, attempt, delayMs, error: (error as Error).message }, "upload failed; retrying"),
    },
  );
}
