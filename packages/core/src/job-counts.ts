import { RUNNING_STATUSES, TERMINAL_STATUSES, type JobStatus } from "./job.js";
import type { JobQueries } from "./store/job-queries.js";

const ACTIVE_STATUSES: readonly JobStatus[] = ["queued", ...RUNNING_STATUSES];

/**
 * Jobs by status for `/v1/queue` and `/metrics`, at a cost that does not grow with the ended jobs: queued and
 * running jobs are counted on every call (an index range as long as the live queue); ended ones, which only
 * pile up, are counted at most once per `endedMaxAgeMs` in the background, so a call never waits on them after
 * the first.
 */
export class JobCounts {
  private ended: Record<string, number> | undefined;
  private endedAt = 0;
  private refreshing: Promise<Record<string, number>> | undefined;

  constructor(
    private readonly jobs: JobQueries,
    private readonly endedMaxAgeMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async byStatus(): Promise<Record<string, number>> {
    const [active, ended] = await Promise.all([this.jobs.countByStatus(ACTIVE_STATUSES), this.endedCounts()]);
    return { ...ended, ...active };
  }

  private endedCounts(): Promise<Record<string, number>> | Record<string, number> {
    if (this.ended && this.now() - this.endedAt > this.endedMaxAgeMs) void this.refresh().catch(() => undefined);
    return this.ended ?? this.refresh();
  }

  private refresh(): Promise<Record<string, number>> {
    this.refreshing ??= this.jobs.countByStatus(TERMINAL_STATUSES).then(
      (counts) => {
        this.ended = counts;
        this.endedAt = this.now();
        this.refreshing = undefined;
        return counts;
      },
      (error: unknown) => {
        this.refreshing = undefined;
        throw error;
      },
    );
    return this.refreshing;
  }
}
