import type { GenerateMusicInput } from "./generate-input.js";
import type { GenerateMusicResult, Job, JobStatus } from "./job.js";
import type { PauseState } from "./worker.js";

export interface QueueStatus {
  paused: PauseState | null;
  activeJobs: number;
  jobsByStatus: Record<string, number>;
  queueDepth: number;
}

/**
 * What both the in-process `ProducerService` and the daemon's `ProducerClient` offer: code written against this
 * (the legacy wrappers, an app's own helpers) runs on either.
 */
export interface ProducerBackend {
  generateMusic(input: GenerateMusicInput): Promise<GenerateMusicResult>;
  getJob(id: string): Promise<Job>;
  waitForJob(id: string, options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<Job>;
  cancel(id: string): Promise<Job>;
  listJobs(options?: { status?: JobStatus; limit?: number; cursor?: string }): Promise<{ jobs: Job[]; nextCursor: string | null }>;
  status(): Promise<QueueStatus>;
}
