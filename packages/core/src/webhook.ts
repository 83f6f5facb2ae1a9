import { createHmac } from "node:crypto";
import { retry, silentLogger, UnavailableError, type Logger } from "@producer/utils";
import type { Job } from "./job.js";

export const SIGNATURE_HEADER = "x-producer-signature";
export const TIMESTAMP_HEADER = "x-producer-timestamp";

/** `sha256=<hex HMAC of "<timestamp>.<body>">`: the receiver recomputes it with the shared secret. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/**
 * POSTs the final job to its webhook URL, signed when a secret is configured, retried with backoff on network
 * errors and 5xx/429 answers. Resolves to whether it was delivered; never throws.
 */
export async function deliverWebhook(
  job: Job,
  options: { secret: string | undefined; maxAttempts: number; timeoutMs: number; logger?: Logger; baseDelayMs?: number },
): Promise<boolean> {
  const logger = options.logger ?? silentLogger;
  if (!job.webhookUrl) return false;
  const url = job.webhookUrl;
  const body = JSON.stringify({ type: `job.${job.status}`, job });
  try {
    await retry(
      async (attempt) => {
        const timestamp = String(Math.floor(Date.now() / 1000));
        const headers: Record<string, string> = {
          "content-type": "application/json",
          "user-agent": "producer-webhook/1",
          [TIMESTAMP_HEADER]: timestamp,
          "x-producer-delivery-attempt": String(attempt),
        };
        if (options.secret) headers[SIGNATURE_HEADER] = signWebhook(options.secret, timestamp, body);
        let response: Response;
        try {
          response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(options.timeoutMs) });
        } catch (error) {
          throw new UnavailableError(`Webhook ${new URL(url).host} unreachable: ${(error as Error).message}`, { cause: error });
        }
        await response.body?.cancel();
        if (response.ok) return;
        throw new UnavailableError(`Webhook answered HTTP ${response.status}`, {
          retryable: response.status >= 500 || response.status === 429,
        });
      },
      { maxAttempts: options.maxAttempts, baseDelayMs: options.baseDelayMs ?? 1000, maxDelayMs: 60_000 },
    );
    logger.info({ jobId: job.id }, "webhook delivered");
    return true;
  } catch (error) {
    logger.warn({ jobId: job.id, error: (error as Error).message }, "webhook delivery failed");
    return false;
  }
}
