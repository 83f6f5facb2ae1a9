import type { ProducerConfig } from "@producer/config";
import { backoffDelay, NotFoundError, ProducerError, type Logger } from "@producer/utils";
import type { Job } from "./job.js";
import type { DeliveryRow, WebhookOutboxStore } from "./store/webhook-outbox-store.js";
import { isWebhookRefusal, logWebhookEnd, postWebhook, webhookBody } from "./webhook.js";
import { instanceOwnerPrefix, LIVE_WORKERS, orphanedOwners, workerOwnerId } from "./worker-owner.js";

export interface WebhookOutboxOptions {
  store: WebhookOutboxStore;
  webhooks: ProducerConfig["webhooks"];
  logger: Logger;
  /** This daemon's instance id: its delivery leases carry it, so after a crash it takes them back at once. */
  instanceId: string;
  /** The job as it is now, for the body. */
  loadJob: (id: string) => Promise<Job>;
  /** How often to look for due deliveries and ended jobs without one. */
  pollIntervalMs: number;
  /** Deliveries under way at once. */
  concurrency?: number;
  /** First retry delay; doubled each attempt, with full jitter, up to a minute. */
  baseDelayMs?: number;
}

const MAX_DELAY_MS = 60_000;

/**
 * Delivers the outbox's rows: at least once, each with its delivery id. Swept at start and on every poll, so
 * an end whose row a crash kept from being made is still told; a delivery cut off by a crash is claimed again
 * when its lease runs out by any daemon on the database, or at once by the same daemon started again (its
 * leases name its instance, host and process, like its worker's).
 */
export class WebhookOutbox {
  private readonly owner: string;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private running = false;
  /** A wake that came while a tick ran: another tick follows at once. */
  private again = false;

  constructor(private readonly options: WebhookOutboxOptions) {
    this.owner = workerOwnerId(options.instanceId);
  }

  /** A delivery's lease outlives its one attempt (which aborts at `webhooks.timeoutMs`). */
  private get leaseMs(): number {
    return this.options.webhooks.timeoutMs + 5_000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    LIVE_WORKERS.add(this.owner);
    this.ticking = this.reclaimOrphans().finally(() => {
      this.ticking = undefined;
      this.wake();
    });
  }

  /** Takes back, at once, the deliveries a crashed process of this instance left leased: waiting would only delay them. */
  private async reclaimOrphans(): Promise<void> {
    const { store, logger } = this.options;
    try {
      const orphans = orphanedOwners(this.owner, await store.leaseOwners(instanceOwnerPrefix(this.options.instanceId)));
      const count = await store.releaseLeases(orphans);
      if (count > 0) logger.warn({ deliveries: count }, "took back the webhook deliveries of a process that is gone");
    } catch (error) {
      logger.warn({ error: (error as Error).message }, "webhook outbox check failed");
    }
  }

  /** Looks for work now (a job just ended), else at the next poll. */
  wake(): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = this.tick().finally(() => {
      this.ticking = undefined;
      if (this.again) {
        this.again = false;
        this.wake();
      } else {
        this.schedule();
      }
    });
  }

  private schedule(): void {
    if (!this.running || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.wake();
    }, this.options.pollIntervalMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const { store, logger } = this.options;
    try {
      await store.sweep();
      const concurrency = this.options.concurrency ?? 4;
      while (this.running && this.inFlight.size < concurrency) {
        const row = await store.claim(this.owner, this.leaseMs);
        if (!row) break;
        const delivery = this.deliver(row).catch((error: unknown) =>
          logger.warn({ deliveryId: row.id, error: (error as Error).message }, "webhook outbox write failed"),
        );
        this.inFlight.add(delivery);
        void delivery.finally(() => {
          this.inFlight.delete(delivery);
          this.wake();
        });
      }
    } catch (error) {
      if (this.running) logger.warn({ error: (error as Error).message }, "webhook outbox check failed");
    }
  }

  private async deliver(row: DeliveryRow): Promise<void> {
    const { store, webhooks, logger } = this.options;
    const job = await this.options.loadJob(row.job_id).catch((error: unknown) => {
      if (NotFoundError.isInstance(error)) return undefined;
      throw error;
    });
    if (!job) {
      await store.end(row, this.owner, "failed", "the job is gone");
      return;
    }
    try {
      await postWebhook(row.url, webhookBody(job, { id: row.id, event: row.event }), row.attempts, {
        secret: webhooks.secret,
        timeoutMs: webhooks.timeoutMs,
        policy: { allowPrivateAddresses: webhooks.allowPrivateAddresses, allowedHosts: webhooks.allowedHosts },
        deliveryId: row.id,
      });
    } catch (error) {
      const message = (error as Error).message;
      const retryable = !isWebhookRefusal(error) && ProducerError.isInstance(error) && error.retryable;
      if (retryable && row.attempts < webhooks.maxAttempts) {
        const delayMs = backoffDelay(row.attempts, {
          baseDelayMs: this.options.baseDelayMs ?? 1000,
          maxDelayMs: MAX_DELAY_MS,
        });
        logger.debug({ jobId: row.job_id, deliveryId: row.id, attempt: row.attempts, delayMs }, message);
        await store.later(row, this.owner, delayMs, message);
        return;
      }
      logWebhookEnd(logger, row.job_id, row.url, error);
      await store.end(row, this.owner, "failed", message);
      return;
    }
    logWebhookEnd(logger, row.job_id, row.url);
    await store.end(row, this.owner, "delivered");
  }

  /** Stops looking for work and waits for the deliveries under way, however they end. */
  async close(): Promise<void> {
    this.running = false;
    LIVE_WORKERS.delete(this.owner);
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking;
    await Promise.allSettled(this.inFlight);
  }
}
