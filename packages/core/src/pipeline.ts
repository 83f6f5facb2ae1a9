import fs from "node:fs";
import path from "node:path";
import type { ProducerConfig } from "@producer/config";
import {
  assertAccountRunsHere,
  AudioInvalidError,
  DisabledError,
  type GeneratedSong,
  type GenerateOptions,
  type GenerationProgress,
  type GenerationRequest,
  type Logger,
  type MusicGenerator,
  type OperationRequest,
  type Storage,
  type StoredObject,
  type SubmissionRecord,
} from "@producer/utils";
import { type CoverColumns, coverImage } from "./cover-step.js";
import { describeTracks } from "./describe-step.js";
import type { JobInput } from "./generate-input.js";
import type { JobStatus } from "./job.js";
import { trackLyrics, writeJobLyrics } from "./lyrics-step.js";
import { applySongPrivacy } from "./privacy-step.js";
import { uploadSong } from "./song-upload.js";
import type { DownloadedSong } from "./store/job-row.js";
import type { TrackStore } from "./store/track-store.js";
import { verifySongs, type CheckedSong } from "./verify-songs.js";

export interface PipelineContext {
  jobId: string;
  input: JobInput;
  /** Songs a previous attempt downloaded and kept. */
  downloaded: DownloadedSong[] | null;
  /** What an earlier attempt submitted to the site: this attempt resumes it and never submits again. */
  submission: SubmissionRecord | null;
  /** Persists the submission record; throws when the job is no longer ours. */
  saveSubmission(record: SubmissionRecord): Promise<void>;
  /** Persists the job's input once a step completed it (lyrics written for `lyricsPrompt`). */
  saveInput?(input: JobInput): Promise<void>;
  signal: AbortSignal;
  /** Persists a step; throws when the job is no longer ours. */
  setStatus(
    status: JobStatus,
    patch?: { progress?: GenerationProgress | null; downloaded?: DownloadedSong[] },
  ): Promise<void>;
  onProgress(progress: GenerationProgress): void;
}

export interface PipelineDeps {
  config: ProducerConfig;
  generator: MusicGenerator;
  storage: Storage;
  tracks: TrackStore;
  logger: Logger;
  /** The accounts this daemon runs jobs on now (all of the generator's when absent). */
  claimableAccounts?: () => readonly string[];
}

const stillThere = (songs: DownloadedSong[] | null): songs is DownloadedSong[] =>
  songs !== null && songs.length > 0 && songs.every((song) => fs.existsSync(song.filePath));

/**
 * One job from prompt to stored tracks: generate and download (unless an earlier attempt kept the files) →
 * audio facts → storage → one track row per song → the local files removed, only once every song is stored
 * and recorded.
 */
export async function runPipeline(context: PipelineContext, deps: PipelineDeps): Promise<void> {
  await writeJobLyrics(context, deps);
  const { songs, account } = await obtainSongs(context, deps);
  const checked = await verifySongs(songs);
  // The songs upload side by side: each is its own object, and a job's wait is its slowest song, not their sum.
  const stored = await Promise.all(
    checked.map(async (song) => {
      context.signal.throwIfAborted();
      return { ...song, object: await uploadSong(song, context, deps) };
    }),
  );
  const cover = await coverImage({ ...context, account }, deps);
  await context.setStatus("recording");
  const job = { jobId: context.jobId, input: context.input, songCount: songs.length, account, cover };
  await recordTracks(stored, job, deps);
  await describeTracks({ ...context, account }, deps);
  await applySongPrivacy(songs, { ...context, account }, deps);
  // Every song is stored and recorded: only now may the local audio go.
  for (const song of songs) await fs.promises.rm(song.filePath, { force: true });
  await fs.promises.rm(path.join(deps.config.paths.downloadsDir, context.jobId), { recursive: true, force: true });
}

/**
 * The job's songs on disk: those an earlier attempt downloaded and kept, or new ones from the site — resuming an
 * earlier submission rather than submitting again. With them, the account they were made on.
 */
async function obtainSongs(
  context: PipelineContext,
  deps: PipelineDeps,
): Promise<{ songs: DownloadedSong[]; account: string | undefined }> {
  const { jobId, input, signal } = context;
  // The account the songs are made on: the submission says (an earlier attempt's, or this one's once it is sent);
  // a job bound to an account runs on it when the driver's record does not say.
  let account = context.submission?.account ?? input.account;
  if (stillThere(context.downloaded)) {
    const songs = context.downloaded;
    deps.logger.info({ jobId, songs: songs.length }, "resuming with the songs an earlier attempt downloaded");
    await context.setStatus("uploading", { progress: null });
    return { songs, account };
  }
  const resume = context.submission && context.submission.state !== "refused" ? context.submission : undefined;
  // The claim skips a job bound to an account this daemon does not run; should one get here anyway, it waits.
  if (deps.claimableAccounts) {
    assertAccountRunsHere(resume?.account ?? input.account, deps.claimableAccounts(), deps.config.queue.pauseRecheckMs);
  }
  await context.setStatus("generating", { progress: null });
  if (resume)
    deps.logger.info(
      { jobId, submittedAt: resume.submittedAt },
      "resuming the earlier submission; nothing is submitted again",
    );
  const options: GenerateOptions = {
    signal,
    downloadDir: path.join(deps.config.paths.downloadsDir, jobId),
    onProgress: (progress) => context.onProgress(progress),
    onSubmission: async (record) => {
      account = record.account ?? account;
      await deps.tracks.own.noteSubmission(record, jobId);
      return context.saveSubmission(record);
    },
    ...(resume ? { resume } : {}),
    ...(input.account ? { account: input.account } : {}),
  };
  const generated: GeneratedSong[] = input.operation
    ? await operate(deps.generator, input, options)
    : await deps.generator.generate(generationRequest(input), options);
  const songs = generated.map(downloadedSong);
  // From here on the audio exists: keep the list so a retry stores these files instead of generating again.
  await context.setStatus("uploading", { downloaded: songs, progress: null });
  return { songs, account };
}

/** One track row per stored song; a lone song takes the title the caller gave. */
async function recordTracks(
  stored: Array<CheckedSong & { object: StoredObject }>,
  job: { jobId: string; input: JobInput; songCount: number; account: string | undefined; cover?: CoverColumns },
  deps: PipelineDeps,
): Promise<void> {
  const { jobId, input } = job;
  for (const { song, facts, object } of stored) {
    await deps.tracks.record({
      jobId,
      songIndex: song.index,
      projectId: input.projectId ?? null,
      userId: input.userId ?? null,
      title: input.title && job.songCount === 1 ? input.title : song.title,
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
      account: job.account ?? null,
      operation: input.operation?.kind ?? (input.referenceClipId ? "reference" : null),
      sourceTrackId: input.source?.trackId ?? null,
      sourceClipId: input.source?.clipId ?? input.referenceClipId ?? null,
      ...trackLyrics(input),
      ...job.cover,
    });
  }
}

/** An operation job, sent through the generator's `operate` with the same submission record and resume. */
async function operate(generator: MusicGenerator, input: JobInput, options: GenerateOptions): Promise<GeneratedSong[]> {
  const { operation, source } = input;
  if (!generator.operate || !operation || !source) {
    throw new DisabledError(
      `This daemon's site driver cannot ${operation?.kind ?? "operate on"} a song: it makes new songs only. Run the job on a daemon whose driver does song operations.`,
      { details: { operation: operation?.kind } },
    );
  }
  const request: OperationRequest = {
    source: { clipId: source.clipId, ...(source.title ? { title: source.title } : {}) },
    operation,
    format: input.format,
    ...(input.title ? { title: input.title } : {}),
  };
  const songs = await generator.operate(request, options);
  // A convert exists only for its format: a song in any other is not what was asked, whatever its bytes are.
  const target = operation.kind === "convert" ? operation.format : undefined;
  const wrong = target ? songs.find((song) => song.format !== target) : undefined;
  if (target && wrong) {
    throw new AudioInvalidError(`The convert to ${target.toUpperCase()} came back as ${wrong.format.toUpperCase()}.`, {
      details: { songNumber: wrong.index + 1, asked: target, got: wrong.format },
    });
  }
  return songs;
}

/** The job's input as the site driver takes it: every control, without what only storage needs. */
function generationRequest(input: JobInput): GenerationRequest {
  const {
    priority: _priority,
    projectId: _projectId,
    userId: _userId,
    account: _account,
    operation: _operation,
    source: _source,
    lyricsPrompt: _lyricsPrompt,
    image: _image,
    describe: _describe,
    ...request
  } = input;
  return request;
}

function downloadedSong(song: GeneratedSong): DownloadedSong {
  const {
    index,
    title,
    filePath,
    format,
    clipId,
    stem,
    parentClipId,
    model,
    seed,
    bpm,
    creditsCharged,
    siteDurationSecs,
  } = song;
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
