import fs from "node:fs";
import path from "node:path";
import type { ProducerConfig } from "@producer/config";
import {
  AUDIO_CONTENT_TYPES,
  AudioInvalidError,
  checkAudioSignature,
  DuplicateAudioError,
  readAudioFacts,
  renderStorageKey,
  retry,
  type AudioFacts,
  type GeneratedSong,
  type GenerationProgress,
  type GenerationRequest,
  type Logger,
  type MusicGenerator,
  type Storage,
  type SubmissionRecord,
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
  /** What an earlier attempt submitted to the site: this attempt resumes it and never submits again. */
  submission: SubmissionRecord | null;
  /** Persists the submission record; throws when the job is no longer ours. */
  saveSubmission(record: SubmissionRecord): Promise<void>;
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
  // The account the songs are made on: the submission says (an earlier attempt's, or this one's once it is sent).
  let account = context.submission?.account;
  let songs: DownloadedSong[];
  if (stillThere(context.downloaded)) {
    songs = context.downloaded;
    deps.logger.info({ jobId, songs: songs.length }, "resuming with the songs an earlier attempt downloaded");
    await context.setStatus("uploading", { progress: null });
  } else {
    await context.setStatus("generating", { progress: null });
    const resume = context.submission && context.submission.state !== "refused" ? context.submission : undefined;
    if (resume) deps.logger.info({ jobId, submittedAt: resume.submittedAt }, "resuming the earlier submission; nothing is submitted again");
    const generated: GeneratedSong[] = await deps.generator.generate(generationRequest(input), {
      signal,
      downloadDir: path.join(config.paths.downloadsDir, jobId),
      onProgress: (progress) => context.onProgress(progress),
      onSubmission: (record) => {
        account = record.account ?? account;
        return context.saveSubmission(record);
      },
      ...(resume ? { resume } : {}),
      ...(input.account ? { account: input.account } : {}),
    });
    songs = generated.map(downloadedSong);
    // From here on the audio exists: keep the list so a retry stores these files instead of generating again.
    await context.setStatus("uploading", { downloaded: songs, progress: null });
  }

  const checked = await verifySongs(songs);
  // The songs upload side by side: each is its own object, and a job's wait is its slowest song, not their sum.
  const stored = await Promise.all(
    checked.map(async ({ song, facts }) => {
      signal.throwIfAborted();
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
          filename: `${jobId}-${song.index + 1}${song.stem ? `-${song.stem}` : ""}.${facts.format}`,
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
      if (song.stem) metadata.stem = song.stem;
      if (song.parentClipId) metadata["parent-clip-id"] = song.parentClipId;
      if (song.model) metadata.model = song.model;
      if (song.seed !== undefined) metadata.seed = String(song.seed);
      if (song.bpm !== undefined) metadata.bpm = String(song.bpm);
      if (song.creditsCharged !== undefined) metadata["credits-charged"] = String(song.creditsCharged);
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
      return { song, facts, object };
    }),
  );

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
      stem: song.stem ?? null,
      parentClipId: song.parentClipId ?? null,
      model: song.model ?? input.model ?? null,
      seed: song.seed ?? null,
      bpm: song.bpm ?? input.bpm ?? null,
      creditsCharged: song.creditsCharged ?? null,
      siteDurationSecs: song.siteDurationSecs ?? null,
      account: account ?? null,
    });
  }

  // Every song is stored and recorded: only now may the local audio go.
  for (const song of songs) await fs.promises.rm(song.filePath, { force: true });
  await fs.promises.rm(path.join(config.paths.downloadsDir, jobId), { recursive: true, force: true });
}

/** The job's input as the site driver takes it: every control, without what only storage needs. */
function generationRequest(input: JobInput): GenerationRequest {
  const { priority: _priority, projectId: _projectId, userId: _userId, account: _account, ...request } = input;
  return request;
}

function downloadedSong(song: GeneratedSong): DownloadedSong {
  const { index, title, filePath, format, clipId, stem, parentClipId, model, seed, bpm, creditsCharged, siteDurationSecs } = song;
  return {
    index,
    title,
    filePath,
    format,
    ...(clipId ? { clipId } : {}),
    ...(stem ? { stem } : {}),
    ...(parentClipId ? { parentClipId } : {}),
    ...(model ? { model } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(bpm !== undefined ? { bpm } : {}),
    ...(creditsCharged !== undefined ? { creditsCharged } : {}),
    ...(siteDurationSecs !== undefined ? { siteDurationSecs } : {}),
  };
}

/**
 * Checks every song before anything is stored: its first bytes are the asked format, its audio can be read as
 * that format, and no two songs of the job are the same bytes (the site gave one song twice, or the driver took
 * one twice). A failure stores nothing and is never retried by itself.
 */
async function verifySongs(songs: DownloadedSong[]): Promise<Array<{ song: DownloadedSong; facts: AudioFacts }>> {
  const bySha = new Map<string, DownloadedSong>();
  // Each song's file is read once, all of them at the same time; the checks between them come after.
  const read = await Promise.all(
    songs.map(async (song) => {
      const where = { step: "verify", songNumber: song.index + 1, ...(song.clipId ? { clipId: song.clipId } : {}) };
      await checkAudioSignature(song.filePath, song.format as AudioFacts["format"], where);
      const facts = await readAudioFacts(song.filePath);
      if (facts.format !== song.format) {
        throw new AudioInvalidError(`Song ${song.index + 1} was asked as ${song.format.toUpperCase()} but reads as ${facts.format.toUpperCase()}.`, {
          details: where,
        });
      }
      return { song, facts };
    }),
  );
  const checked: Array<{ song: DownloadedSong; facts: AudioFacts }> = [];
  for (const { song, facts } of read) {
    const twin = bySha.get(facts.sha256);
    if (twin) {
      throw new DuplicateAudioError(
        `Songs ${twin.index + 1} and ${song.index + 1} of this job are the same file (sha256 ${facts.sha256.slice(0, 12)}…): the site gave one song twice, or one was downloaded twice. Nothing was stored.`,
        { details: { step: "verify", songNumbers: [twin.index + 1, song.index + 1], sha256: facts.sha256, clipIds: [twin.clipId ?? null, song.clipId ?? null] } },
      );
    }
    bySha.set(facts.sha256, song);
    checked.push({ song, facts });
  }
  return checked;
}
