import { ConflictError } from "@producer/utils";
import { isTerminal, type Job } from "./job.js";

/**
 * Why an ended job cannot be run again as asked — it succeeded, it has not ended, or it ended before its prompt
 * reached the site and the caller did not agree to submit (and pay) again — or undefined when it can.
 */
export function retryRefusal(job: Job, options: { resubmit?: boolean }): ConflictError | undefined {
  const id = job.id;
  if (job.status === "succeeded") {
    return new ConflictError(`Job ${id} succeeded: its songs are stored, there is nothing to retry.`, {
      details: { jobId: id, status: job.status },
    });
  }
  if (!isTerminal(job.status)) {
    return new ConflictError(`Job ${id} is still ${job.status}; only an ended job can be retried.`, {
      details: { jobId: id, status: job.status },
    });
  }
  if (!job.recoverable && !options.resubmit) {
    return new ConflictError(
      `Job ${id} ended before its prompt reached the site, so there are no songs to fetch. Retrying it submits the prompt again and spends credits: ask again with resubmit.`,
      { details: { jobId: id, status: job.status, resubmitNeeded: true } },
    );
  }
  return undefined;
}
