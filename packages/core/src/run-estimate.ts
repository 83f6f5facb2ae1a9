import type { JobStore } from "./store/job-store.js";

/** A job's expected run time before any job has finished to measure it by. */
const DEFAULT_RUN_MS = 90_000;

/** The mean run time of recent jobs, for the estimates a submit answers with (queue-full hint, ETA). */
export class RunEstimate {
  private cached: { ms: number; at: number } | undefined;

  constructor(private readonly jobs: JobStore) {}

  /** As of now: one query. */
  latestMs(): Promise<number> {
    return this.jobs.averageRunMs(DEFAULT_RUN_MS);
  }

  /** Read at most once a second. */
  async recentMs(): Promise<number> {
    if (!this.cached || Date.now() - this.cached.at > 1000) {
      this.cached = { ms: await this.latestMs(), at: Date.now() };
    }
    return this.cached.ms;
  }
}
