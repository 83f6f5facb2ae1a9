import type { AudioFormat } from "@producer/config";
import type { AudioFacts, GenerationProgress, SubmissionRecord } from "@producer/utils";
import type { JobInput } from "./generate-input.js";

/** Each step of a job is a persisted state. */
export const JOB_STATUSES = [
  "queued",
  "generating",
  "downloading",
  "uploading",
  "recording",
  "succeeded",
  "failed",
  "cancelled",
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const TERMINAL_STATUSES: readonly JobStatus[] = ["succeeded", "failed", "cancelled"];
export const RUNNING_STATUSES: readonly JobStatus[] = ["generating", "downloading", "uploading", "recording"];

export const isTerminal = (status: JobStatus) => TERMINAL_STATUSES.includes(status);

/** One stored song: the audio facts (as its file gave them), where it is stored, and where it came from. */
export interface Track extends Omit<AudioFacts, "format"> {
  id: string;
  jobId: string;
  songIndex: number;
  projectId: string | null;
  userId: string | null;
  title: string;
  prompt: string;
  format: AudioFormat | string;
  storage: { kind: "s3" | "local"; bucket: string | null; key: string; url: string };
  clipId: string | null;
  /** For a stem: vocals, drums, bass or other, and the clip it was split from. */
  stem: string | null;
  parentClipId: string | null;
  /** What the site says of the song: its model, seed and tempo, its own duration, and its share of the credits. */
  model: string | null;
  seed: number | null;
  bpm: number | null;
  creditsCharged: number | null;
  siteDurationSecs: number | null;
  /** The account the song was made on (`default` in a one-account setup); null for songs made before it was kept. */
  account: string | null;
  /**
   * The operation that made the song (extend, cover, …; see `SongOperationKind`), `reference` for a new song seeded
   * with a reference clip (`sourceClipId`), null for a new song.
   */
  operation: string | null;
  /** The song it was made from: our track when the operation named one, and its site clip. */
  sourceTrackId: string | null;
  sourceClipId: string | null;
  /** The lyrics the song was made with (given, or written for `lyricsPrompt`) and their id as the app computes it; null for an instrumental or a song made from none. */
  lyrics: string | null;
  lyricsId: string | null;
  /** The cover image made with the song's generation (`image: true`), stored beside its audio: key and URL. */
  imageKey: string | null;
  imageUrl: string | null;
  /** Why the generation's cover image could not be made (the song was kept all the same); null when none failed. */
  imageError: string | null;
  /** What the site heard in the song (`describe`): a caption of its sound, the lyrics it sings; null until described. */
  caption: string | null;
  transcript: string | null;
  /** Why the song could not be described (it was kept all the same); null when nothing failed. */
  describeError: string | null;
  createdAt: string;
}

export interface JobError {
  code: string;
  message: string;
  retryable: boolean;
  /** What the failing step knew: the step, the locator, the song number, artifact paths, the submission. */
  details?: Record<string, unknown>;
}

/** What was submitted to the site for the job (see `SubmissionRecord`). */
export type JobSubmission = SubmissionRecord;

/** A recoverable job's submission, as a user needs it to get the songs without paying again. */
export interface JobRecovery {
  message: string;
  submittedAt: string;
  siteJobId: string | null;
  operationIds: string[];
  clipIds: string[];
  /** Credits the site took for it, when the balance was read before and after. */
  creditsCharged: number | null;
}

/** Why a queued job is not running: the queue is paused by a session problem. */
export interface JobWaiting {
  code: string;
  reason: string;
  since: string;
}

export interface Job {
  id: string;
  status: JobStatus;
  input: JobInput;
  attempts: number;
  maxAttempts: number;
  progress: GenerationProgress | null;
  error: JobError | null;
  /** Filled when the job succeeded. */
  tracks: Track[];
  idempotencyKey: string | null;
  webhookUrl: string | null;
  webhookStatus: "pending" | "delivered" | "failed" | null;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** When a queued job may run next (after a retry's backoff). */
  runAfter: string;
  /** What was submitted to the site, once it was: a retry resumes it instead of submitting again. */
  submission: JobSubmission | null;
  /**
   * The account the job is bound to: the one it names, or the one it was submitted on (`default` in a one-account
   * setup); null until then. Only a daemon that runs this account claims the job.
   */
  account: string | null;
  /** Set on a queued job while the queue is paused (session expired, challenge, out of credits). */
  waiting: JobWaiting | null;
  /**
   * A job that ended without its songs after its prompt reached the site: the songs may be on the site, paid
   * for. `retry` fetches them by the submission's ids and never submits again.
   */
  recoverable: boolean;
  /** What a recoverable job's songs are known by, and what to do. */
  recovery: JobRecovery | null;
  /** A queued job's place in the queue, 1 for the next to run: set when one job is read, and by `upNext`. */
  position?: number;
}

/** What `generateMusic` answers in queue mode, at once. */
export interface QueuedResult {
  jobId: string;
  status: "queued";
  position: number;
  etaMs: number;
  /** True when an idempotency key matched an earlier job, which is returned instead of a new one. */
  reused: boolean;
}

/** What `generateMusic` answers in direct mode: the finished job, or the running one past the wait. */
export interface DirectResult {
  jobId: string;
  status: JobStatus;
  job: Job;
  tracks: Track[];
  /** False when the wait ran out and the job goes on in the background. */
  completed: boolean;
}

export type GenerateMusicResult = QueuedResult | DirectResult;

export type { AudioFormat };
