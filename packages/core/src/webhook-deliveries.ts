import type { ProducerConfig } from "@producer/config";
import type { Logger } from "@producer/utils";
import type { Job } from "./job.js";
import { deliverWebhook } from "./webhook.js";

/** The webhook posts in flight: each ended job's is sent once, and closing waits for those still going. */
export class WebhookDeliveries {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly webhooks: ProducerConfig["webhooks"],
    private readonly logger: Logger,
    /** Keeps how the delivery ended, so it is not sent again. */
    private readonly record: (jobId: string, status: "delivered" | "failed") => Promise<void>,
  ) {}

  send(job: Job): void {
    const { webhooks } = this;
    const delivery = deliverWebhook(job, {
      secret: webhooks.secret,
      maxAttempts: webhooks.maxAttempts,
      timeoutMs: webhooks.timeoutMs,
      policy: { allowPrivateAddresses: webhooks.allowPrivateAddresses, allowedHosts: webhooks.allowedHosts },
      logger: this.logger,
    }).then((delivered) => this.record(job.id, delivered ? "delivered" : "failed"));
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  /** Waits for every delivery under way, however it ends. */
  async settled(): Promise<void> {
    await Promise.allSettled(this.inFlight);
  }
}
