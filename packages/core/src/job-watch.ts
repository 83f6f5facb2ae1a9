import { abortReason, TimeoutError } from "@producer/utils";
import { isTerminal, type Job } from "./job.js";
import type { JobFeed } from "./job-feed.js";

/** Reads a job as callers see it (with its tracks, position and wait). */
type LoadJob = (id: string) => Promise<Job>;

/**
 * Every change of the job, from its state now until it ends (or `signal` aborts). Events cover this process;
 * the feed's one shared query covers jobs run by another process on a shared database.
 */
export async function* watchJobChanges(
  feed: JobFeed,
  load: LoadJob,
  id: string,
  options: { signal?: AbortSignal } = {},
): AsyncGenerator<Job> {
  let last = "";
  const fresh = (job: Job): boolean => {
    const text = JSON.stringify(job);
    if (text === last) return false;
    last = text;
    return true;
  };
  const first = await load(id);
  fresh(first);
  yield first;
  if (isTerminal(first.status)) return;
  const pending: Job[] = [];
  let wake: (() => void) | undefined;
  const push = (job: Job) => {
    pending.push(job);
    wake?.();
  };
  const onAbort = () => wake?.();
  const unwatch = feed.watch(id, push, first);
  options.signal?.addEventListener("abort", onAbort);
  try {
    for (;;) {
      if (options.signal?.aborted) return;
      const job = pending.shift();
      if (!job) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        continue;
      }
      if (!fresh(job)) continue;
      yield job;
      if (isTerminal(job.status)) return;
    }
  } finally {
    unwatch();
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/** Resolves with the job once it has ended; rejects with `TIMEOUT` (the job in `details.job`) past `timeoutMs`. */
export async function waitForJobEnd(
  feed: JobFeed,
  load: LoadJob,
  id: string,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<Job> {
  const first = await load(id);
  if (isTerminal(first.status)) return first;
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  return new Promise<Job>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      unwatch();
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      outcome();
    };
    const check = (job: Job) => {
      if (job.id === id && isTerminal(job.status)) finish(() => resolve(job));
    };
    const onAbort = () => finish(() => reject(abortReason(options.signal as AbortSignal)));
    const timer = setTimeout(
      () =>
        void load(id).then((job) =>
          finish(() =>
            reject(
              new TimeoutError(`Job ${id} is still ${job.status} after ${timeoutMs} ms.`, {
                details: { jobId: id, status: job.status, job },
              }),
            ),
          ),
        ),
      timeoutMs,
    );
    // Events cover this process; the feed's one shared query covers jobs run by other processes.
    const unwatch = feed.watch(id, check, first);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
  });
}
