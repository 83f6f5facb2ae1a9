import type { SiteTaskInput, SiteTaskResult } from "./site-tasks/run-site-task.js";
import type { LibraryInput, LibraryListing } from "./song-library.js";
import type { Readable } from "node:stream";
import type { SessionStatus } from "@producer/utils";
import type { GenerateMusicInput } from "./generate-input.js";
import type { OperateInput } from "./operation-input.js";
import type { GenerateMusicResult, Job, JobStatus, Track } from "./job.js";
import type { PauseState } from "./queue-pause.js";

export interface QueueStatus {
  paused: PauseState | null;
  activeJobs: number;
  jobsByStatus: Record<string, number>;
  queueDepth: number;
}

/** The ProducerAI session as the service sees it, and whether a session problem pauses the queue. */
export interface SessionReport extends SessionStatus {
  paused: PauseState | null;
}

export interface TrackQuery {
  projectId?: string;
  userId?: string;
  jobId?: string;
  /** The account (of several) the songs were made on. */
  account?: string;
  /** Words each found (case-insensitive) in the title, prompt, caption or transcript. */
  search?: string;
  limit?: number;
  cursor?: string;
}

/** A stored song's bytes, streamed from storage, with its track. */
export interface TrackAudio {
  track: Track;
  contentType: string;
  stream: Readable;
}

/**
 * What both the in-process `ProducerService` and the daemon's `ProducerClient` offer: code written against this
 * (the legacy wrappers, an app's own helpers) runs on either.
 */
export interface ProducerBackend {
  generateMusic(input: GenerateMusicInput): Promise<GenerateMusicResult>;
  /** Does something to a song that exists (extend, replace, cover, stems, trim, speed, convert, import), as a job. */
  operate(input: OperateInput): Promise<GenerateMusicResult>;
  /** One page of an account's library on the site, each song with the track that stores it here; spends nothing. */
  library(input?: LibraryInput): Promise<LibraryListing>;
  /** Runs one task that is not a song (lyrics, an image, a caption, an upload, a rename) on the site now. */
  runTask(input: SiteTaskInput): Promise<SiteTaskResult>;
  getJob(id: string): Promise<Job>;
  /** Every change of the job until it ends, starting with its state now; stops when `signal` aborts. */
  watchJob(id: string, options?: { signal?: AbortSignal }): AsyncGenerator<Job>;
  /** The queued jobs in the order they will run, each with its `position`. */
  upNext(options?: { limit?: number }): Promise<Job[]>;
  waitForJob(id: string, options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<Job>;
  cancel(id: string): Promise<Job>;
  /** Runs an ended job again: a recoverable one from its submission (nothing paid again); see `ProducerService.retry`. */
  retry(id: string, options?: { resubmit?: boolean }): Promise<Job>;
  listJobs(options?: {
    status?: JobStatus;
    limit?: number;
    cursor?: string;
  }): Promise<{ jobs: Job[]; nextCursor: string | null }>;
  status(): Promise<QueueStatus>;
  listTracks(options?: TrackQuery): Promise<{ tracks: Track[]; nextCursor: string | null }>;
  getTrack(id: string): Promise<Track>;
  /** The stored song's bytes; `NOT_FOUND` when the track or its object is gone. */
  openTrackAudio(id: string): Promise<TrackAudio>;
  session(options?: { force?: boolean }): Promise<SessionReport>;
}
