import type { Job, Track } from "@producer/core";
import type { AccountReport } from "@producer/utils";

/** The facts of a stored song an agent is given as the track store has them. */
type TrackFacts = Pick<
  Track,
  | "jobId"
  | "title"
  | "songIndex"
  | "format"
  | "durationSecs"
  | "sampleRate"
  | "channels"
  | "bitrate"
  | "sizeBytes"
  | "sha256"
  | "model"
  | "seed"
  | "bpm"
  | "stem"
  | "projectId"
  | "userId"
  | "account"
  | "operation"
  | "sourceTrackId"
  | "sourceClipId"
  | "createdAt"
>;

/** What an agent needs of a stored song: where it is, what it is, how to play it. */
export interface TrackSummary extends TrackFacts {
  trackId: string;
  /** The stored object's URL (S3 or file), and the daemon's own route that serves the bytes. */
  url: string;
  audioPath: string;
  audioUrl?: string;
  /** What the site heard in the song (`describe_song`): its caption and sung lyrics, or why it could not say. */
  caption?: string;
  transcript?: string;
  describeError?: string;
  /** The cover made with its generation (`image: true`): the daemon's route that serves it, or why there is none. */
  imagePath?: string;
  imageError?: string;
}

/** What an agent needs of a job: where it stands, what went wrong, and its songs once done. */
export interface JobSummary {
  jobId: string;
  status: Job["status"];
  done: boolean;
  prompt: string;
  position?: number;
  /** What the running job is doing now, in words. */
  step: string;
  attempts: number;
  waiting: Job["waiting"];
  error: { code: string; message: string; retryable: boolean } | null;
  /** Whether the prompt reached the site (credits spent) and when. */
  submitted: { state: string; at: string } | null;
  /** Ended after its prompt reached the site: retry_generation fetches its songs without paying again. */
  recoverable: boolean;
  recovery: Job["recovery"];
  tracks: TrackSummary[];
  createdAt: string;
  finishedAt: string | null;
}

/** The daemon's route for a track's bytes, absolute when the daemon's address is known. */
export function summarizeTrack(track: Track, audioBase?: string): TrackSummary {
  const audioPath = `/v1/tracks/${track.id}/audio`;
  return {
    trackId: track.id,
    jobId: track.jobId,
    title: track.title,
    songIndex: track.songIndex,
    url: track.storage.url,
    audioPath,
    ...(audioBase ? { audioUrl: new URL(audioPath, audioBase).href } : {}),
    format: track.format,
    durationSecs: track.durationSecs,
    sampleRate: track.sampleRate,
    channels: track.channels,
    bitrate: track.bitrate,
    sizeBytes: track.sizeBytes,
    sha256: track.sha256,
    model: track.model,
    seed: track.seed,
    bpm: track.bpm,
    stem: track.stem,
    projectId: track.projectId,
    userId: track.userId,
    account: track.account,
    operation: track.operation,
    sourceTrackId: track.sourceTrackId,
    sourceClipId: track.sourceClipId,
    ...(track.caption ? { caption: track.caption } : {}),
    ...(track.transcript ? { transcript: track.transcript } : {}),
    ...(track.describeError ? { describeError: track.describeError } : {}),
    ...(track.imageKey ? { imagePath: `/v1/tracks/${track.id}/image` } : {}),
    ...(track.imageError ? { imageError: track.imageError } : {}),
    createdAt: track.createdAt,
  };
}

const DONE = new Set(["succeeded", "failed", "cancelled"]);

/** The job's state in a few words: "queued (position 3)", "generating: downloading song 2 of 2", "succeeded". */
export function describeStep(job: Job): string {
  if (job.status === "queued") {
    const place = job.position !== undefined ? ` (position ${job.position})` : "";
    return job.waiting ? `queued${place}, waiting: ${job.waiting.reason}` : `queued${place}`;
  }
  const progress = job.progress;
  if (!progress || DONE.has(job.status)) return job.status;
  const song =
    progress.songNumber !== undefined && progress.songCount !== undefined
      ? ` song ${progress.songNumber} of ${progress.songCount}`
      : "";
  return progress.stage === job.status ? `${job.status}${song}` : `${job.status}: ${progress.stage}${song}`;
}

export function summarizeJob(job: Job, audioBase?: string): JobSummary {
  return {
    jobId: job.id,
    status: job.status,
    done: DONE.has(job.status),
    prompt: job.input.prompt,
    ...(job.position !== undefined ? { position: job.position } : {}),
    step: describeStep(job),
    attempts: job.attempts,
    waiting: job.waiting,
    error: job.error ? { code: job.error.code, message: job.error.message, retryable: job.error.retryable } : null,
    submitted:
      job.submission && job.submission.state !== "refused"
        ? { state: job.submission.state, at: job.submission.submittedAt }
        : null,
    recoverable: job.recoverable,
    recovery: job.recovery,
    tracks: job.tracks.map((track) => summarizeTrack(track, audioBase)),
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
  };
}

/** A song in one line: title, length, format, ids and where to fetch it. */
export function trackLine(track: TrackSummary): string {
  return `- "${track.title}" (${track.durationSecs.toFixed(1)} s ${track.format}, job ${track.jobId}, track ${track.trackId}): ${track.audioUrl ?? track.url}`;
}

/** One line per fact, for the text content a model reads. */
export function jobText(summary: JobSummary): string {
  const lines = [`Job ${summary.jobId}: ${summary.step}.`];
  if (summary.error) lines.push(`Error ${summary.error.code}: ${summary.error.message}`);
  if (summary.recovery) lines.push(`Recoverable: ${summary.recovery.message} (retry_generation with this job id)`);
  lines.push(...summary.tracks.map(trackLine));
  return lines.join("\n");
}

export function accountText(account: AccountReport): string {
  const state = account.paused
    ? "paused"
    : account.wall
      ? `walled (${account.wall.code}: ${account.wall.reason})`
      : account.signedIn
        ? "ready"
        : "signed out";
  const credits = account.credits === null ? "balance unknown" : `${account.credits} credits`;
  return `- ${account.name}: ${state}, ${credits}, ${account.running} running`;
}
