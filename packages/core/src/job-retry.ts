import { ConflictError, type Logger } from "@producer/utils";
import type { Job } from "./job.js";
import { retryRefusal } from "./retry-refusal.js";
import type { JobStore } from "./store/job-store.js";

/**
 * Puts an ended job back in the queue for `ProducerService.retry`, or says why not. A job whose submission
 * reached the site keeps it (and so the account it was made on: only that account's daemon claims it); one whose
 * prompt never reached the site forgets it and is submitted again.
 */
export async function reopenForRetry(
  jobs: JobStore,
  job: Job,
  options: { resubmit?: boolean },
  logger: Logger,
): Promise<void> {
  const refusal = retryRefusal(job, options);
  if (refusal) throw refusal;
  const reopened = await jobs.reopen(job.id, { clearSubmission: !job.recoverable });
  if (!reopened) {
    throw new ConflictError(`Job ${job.id} changed while it was being retried; look at it again.`, {
      details: { jobId: job.id },
    });
  }
  logger.info(
    { jobId: job.id, resumes: job.recoverable },
    job.recoverable ? "retrying the job from its submission" : "retrying the job: it is submitted again",
  );
}
