import fs from "node:fs";
import path from "node:path";
import type { ProducerConfig } from "@producer/config";
import {
  AUDIO_CONTENT_TYPES,
  readAudioFacts,
  renderStorageKey,
  retry,
  type GeneratedSong,
  type GenerationProgress,
  type Logger,
  type MusicGenerator,
  type Storage,
} from "@producer/utils";
import type { JobInput } from "./generate-input.js";
import type { JobStatus } from "./job.js";
import type { DownloadedSong } from "./store/job-store.js";
import type { TrackStore } from "./store/track-store.js";

export interface PipelineContext {
  jobId: string;
  input: JobInput;
  /** Songs a previous attempt downloaded and kept. */
  downloaded: DownloadedSong[] | null;
  signal: AbortSignal;
  /** Persists a step; throws when the job is no longer ours. */
  setStatus(status: JobStatus, patch?: { progress?: GenerationProgress | null; downloaded?: DownloadedSong[] }): Promise<void>;
  onProgress(progress: GenerationProgress): void;
}

export interface PipelineDeps {
  config: ProducerConfig;
  generator: MusicGenerator;
  storage: Storage;
  tracks: TrackStore;
  logger: Logger;
}

const stillThere = (songs: DownloadedSong[] | null): songs is DownloadedSong[] =>
  songs !== null && songs.length > 0 && songs.every((song) => fs.existsSync(song.filePath));

/**
 * One job from prompt to stored tracks: generate and download (unless an earlier attempt kept the files) →
 * audio facts → storage → one track row per song → the local files removed, only once every song is stored
 * and recorded.
 */
export async function runPipeline(context: PipelineContext, deps: PipelineDeps): Promise<void> {
  const { jobId, input, signal } = context;
  const { config } = deps;
  let songs: DownloadedSong[];
  if (stillThere(context.downloaded)) {
    songs = context.downloaded;
    deps.logger.info({ jobId, songs: songs.length }, "resuming with the songs an earlier attempt downloaded");
    await context.setStatus("uploading", { progress: null });
  } else {
    await context.setStatus("generating", { progress: null });
    const generated: GeneratedSong[] = await deps.generator.generate(
      {
        prompt: input.prompt,
        format: input.format,
        ...(input.title ? { title: input.title } : {}),
        ...(input.lyrics ? { lyrics: input.lyrics } : {}),
        ...(input.instrumental ? { instrumental: true } : {}),
      },
      {
        signal,
        downloadDir: path.join(config.paths.downloadsDir, jobId),
        onProgress: (progress) => context.onProgress(progress),
      },
    );
    songs = generated.map(({ index, title, filePath, format, clipId }) => ({
      index,
      title,
      filePath,
      format,
      ...(clipId ? { clipId } : {}),
    }));
    // From here on the audio exists: keep the list so a retry stores these files instead of generating again.
    await context.setStatus("uploading", { downloaded: songs, progress: null });
  }

  const stored = [];
  for (const song of songs) {
    signal.throwIfAborted();
    const facts = await readAudioFacts(song.filePath);
    const withUser = input.userId !== undefined && input.projectId !== undefined;
    const key = renderStorageKey(
      withUser ? config.storage.keyTemplates.audio : config.storage.keyTemplates.generic,
      {
        user_id: input.userId,
        project_id: input.projectId,
        generation_id: jobId,
        job_id: jobId,
        song_index: song.index,
        format: facts.format,
        date: new Date().toISOString().slice(0, 10),
        filename: `${jobId}-${song.index + 1}.${facts.format}`,
      },
      config.storage.driver === "s3" ? config.storage.s3.prefix : "",
    );
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
    const object = await retry(
      () =>
        deps.storage.putFile(key, song.filePath, {
          contentType: AUDIO_CONTENT_TYPES[facts.format],
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
    stored.push({ song, facts, object });
  }

  await context.setStatus("recording");
  for (const { song, facts, object } of stored) {
    await deps.tracks.record({
      jobId,
      songIndex: song.index,
      projectId: input.projectId ?? null,
      userId: input.userId ?? null,
      title: input.title && songs.length === 1 ? input.title : song.title,
      prompt: input.prompt,
      format: facts.format,
      codec: facts.codec,
      container: facts.container,
      durationSecs: facts.durationSecs,
      sampleRate: facts.sampleRate,
      channels: facts.channels,
      bitrate: facts.bitrate,
      sizeBytes: facts.sizeBytes,
      sha256: facts.sha256,
      storage: { kind: deps.storage.kind, bucket: object.bucket ?? null, key: object.key, url: object.url },
      clipId: song.clipId ?? null,
    });
  }

  // Every song is stored and recorded: only now may the local audio go.
  for (const song of songs) await fs.promises.rm(song.filePath, { force: true });
  await fs.promises.rm(path.join(config.paths.downloadsDir, jobId), { recursive: true, force: true });
}
