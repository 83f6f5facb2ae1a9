import type { Logger } from "@producer/utils";
import type { Kysely } from "kysely";
import type { Database } from "./store/database.js";
import { deleteEndedJobs } from "./store/job-retention-store.js";

const DAY_MS = 86_400_000;

/**
 * Keeps ended jobs `queue.retentionDays` after they finished: deletes older ones at start and then every
 * `intervalMs` (an hour by default). Every daemon on a database may run it; deleting twice deletes nothing more.
 */
export class JobRetention {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly retentionDays: number,
    private readonly logger: Logger,
    private readonly intervalMs = 3_600_000,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    if (this.timer) return;
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.intervalMs);
    this.timer.unref();
  }

  /** Deletes what is past the retention now; resolves with how many jobs went (0 when a sweep was under way). */
  async sweep(): Promise<number> {
    if (this.sweeping) return 0;
    const cutoffMs = this.now() - this.retentionDays * DAY_MS;
    const run = deleteEndedJobs(this.db, cutoffMs).then(
      (deleted) => {
        if (deleted > 0)
          this.logger.info({ deleted, retentionDays: this.retentionDays }, "deleted ended jobs past retention");
        return deleted;
      },
      (error: unknown) => {
        this.logger.warn({ error: (error as Error).message }, "deleting ended jobs past retention failed");
        return 0;
      },
    );
    this.sweeping = run;
    try {
      return await run;
    } finally {
      this.sweeping = undefined;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }
}
