import type { ProducerConfig } from "@producer/config";
import { backoffDelay, toProducerError, type Logger, type ProducerError } from "@producer/utils";
import type { JobError } from "./job.js";
import { PAUSING_CODES } from "./queue-pause.js";
import type { JobRow } from "./store/job-row.js";
import type { JobStore } from "./store/job-store.js";

/** The job is no longer this worker's: another claimed it after the lease ran out. */
export class LeaseLost extends Error {}

/**
 * Where a job goes after its run failed: ended (cancelled by request, or failed for good), back in the queue after
 * a backoff, or back untouched while the queue pauses for a session problem or its account is walled.
 */
export async function settleFailure(
  deps: { config: ProducerConfig; jobs: JobStore; owner: string; pause: (error: ProducerError) => void },
  row: JobRow,
  caught: unknown,
  log: Logger,
  cancelledByRequest: boolean,
): Promise<void> {
  const { jobs, config, owner } = deps;
  const jobId = row.id;
  if (caught instanceof LeaseLost) {
    log.warn("lease lost: another worker has the job now");
    return;
  }
  const error = toProducerError(caught);
  const asJobError: JobError = {
    code: error.code,
    message: error.message,
    retryable: error.retryable,
    ...(Object.keys(error.details).length > 0 ? { details: error.details } : {}),
  };
  const attempts = Number(row.attempts);
  if (cancelledByRequest) {
    await jobs.finish(jobId, owner, "cancelled");
    return;
  }
  if (error.code === "CANCELLED") {
    // Stopped by a shutdown (ours, or the browser pool's), not by a request: back to the queue untouched.
    await jobs.requeue(jobId, owner, { delayMs: 0, refundAttempt: true });
    return;
  }
  if (PAUSING_CODES.has(error.code)) {
    await jobs.requeue(jobId, owner, { delayMs: 0, error: asJobError, refundAttempt: true });
    deps.pause(error);
    return;
  }
  if (error.code === "ACCOUNT_WALLED" || error.code === "ACCOUNT_UNAVAILABLE") {
    // The job's account is walled (it holds the job's songs, or the job named it), or not run by this daemon: the
    // job waits for it, looking again every pauseRecheckMs (a new login state lifts the wall before its time), its
    // attempts untouched.
    const delayMs = Math.min(config.queue.pauseRecheckMs, Math.max(250, Number(error.details.retryAfterMs ?? 0)));
    log.warn({ account: error.details.account, code: error.code, delayMs }, "the job waits for its account");
    await jobs.requeue(jobId, owner, { delayMs, error: asJobError, refundAttempt: true });
    return;
  }
  if (error.code === "STORAGE_FAILED" && error.retryable) {
    // Nothing was spent: the audio is kept and the next attempt only uploads.
    const delayMs = backoffDelay(Math.min(attempts, 6), {
      baseDelayMs: config.queue.backoffBaseMs,
      maxDelayMs: config.queue.backoffMaxMs,
    });
    log.warn({ delayMs }, "storage unavailable; the job waits with its audio kept");
    await jobs.requeue(jobId, owner, { delayMs, error: asJobError, refundAttempt: true });
    return;
  }
  if (error.retryable && attempts < Number(row.max_attempts)) {
    const delayMs = backoffDelay(attempts, {
      baseDelayMs: config.queue.backoffBaseMs,
      maxDelayMs: config.queue.backoffMaxMs,
    });
    log.warn({ code: error.code, delayMs }, "job failed; it will be retried");
    await jobs.requeue(jobId, owner, { delayMs, error: asJobError });
    return;
  }
  log.error({ code: error.code, message: error.message }, "job failed");
  await jobs.finish(jobId, owner, "failed", asJobError);
}
