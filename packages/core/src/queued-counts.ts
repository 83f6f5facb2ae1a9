import type { JobStore } from "./store/job-store.js";

/**
 * Queued jobs by priority, for the answers of a submit: the queue-full check and the position. Counting every
 * queued job on every submit makes submits slower as the queue grows, so the count is taken at most every
 * `maxAgeMs` and kept current in between with this process's own submits. Near the limit the check counts
 * exactly, so the queue never takes more than it may.
 */
export class QueuedCounts {
  private counts: Map<number, number> | undefined;
  private countedAt = 0;
  private counting: Promise<Map<number, number>> | undefined;

  constructor(
    private readonly jobs: JobStore,
    private readonly maxAgeMs = 250,
    private readonly now: () => number = Date.now,
  ) {}

  private async current(): Promise<Map<number, number>> {
    if (this.counts && this.now() - this.countedAt <= this.maxAgeMs) return this.counts;
    this.counting ??= this.jobs.countQueuedByPriority().then(
      (counts) => {
        this.counts = counts;
        this.countedAt = this.now();
        this.counting = undefined;
        return counts;
      },
      (error: unknown) => {
        this.counting = undefined;
        throw error;
      },
    );
    return this.counting;
  }

  /** Queued jobs now: estimated, then counted exactly when the estimate comes within 5 % of `limit`. */
  async total(limit: number): Promise<number> {
    const estimate = [...(await this.current()).values()].reduce((sum, count) => sum + count, 0);
    return estimate >= limit * 0.95 - 1 ? this.jobs.countQueued() : estimate;
  }

  /** The position of a job just submitted at `priority`: the queued jobs of that priority or higher, itself last. */
  async positionOfNew(priority: number): Promise<number> {
    const counts = await this.current();
    return [...counts.entries()].filter(([level]) => level >= priority).reduce((sum, [, count]) => sum + count, 0);
  }

  /** This process queued a job. */
  noteQueued(priority: number): void {
    this.counts?.set(priority, (this.counts.get(priority) ?? 0) + 1);
  }
}
