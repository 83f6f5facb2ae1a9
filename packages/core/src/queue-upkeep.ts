import type { ProducerConfig } from "@producer/config";
import type { Logger } from "@producer/utils";
import { sql } from "kysely";
import type { Job } from "./job.js";
import { JobCounts } from "./job-counts.js";
import { JobRetention } from "./job-retention.js";
import type { ProducerDatabase } from "./store/database.js";
import type { JobQueries } from "./store/job-queries.js";
import { WebhookOutboxStore } from "./store/webhook-outbox-store.js";
import { WebhookOutbox } from "./webhook-outbox.js";

/**
 * What keeps the queue's tables in order beside the worker: the webhook outbox, the retention of ended jobs,
 * and the counts the status answers read. Started with the worker; a process without one only reads.
 */
export class QueueUpkeep {
  readonly outbox: WebhookOutbox;
  readonly outboxStore: WebhookOutboxStore;
  readonly retention: JobRetention;
  readonly counts: JobCounts;

  constructor(
    config: ProducerConfig,
    private readonly database: ProducerDatabase,
    jobs: JobQueries,
    logger: Logger,
    loadJob: (id: string) => Promise<Job>,
    instanceId: string,
  ) {
    this.outboxStore = new WebhookOutboxStore(database.db, database.dialect);
    this.outbox = new WebhookOutbox({
      store: this.outboxStore,
      webhooks: config.webhooks,
      logger: logger.child({ component: "webhooks" }),
      loadJob,
      instanceId,
      pollIntervalMs: Math.max(1000, config.queue.pollIntervalMs),
    });
    this.retention = new JobRetention(database.db, config.queue.retentionDays, logger);
    this.counts = new JobCounts(jobs);
  }

  start(): void {
    this.outbox.start();
    this.retention.start();
  }

  /** Whether the database answers, without reading a table. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.database.db);
  }

  async close(): Promise<void> {
    await Promise.all([this.outbox.close(), this.retention.close()]);
  }
}
