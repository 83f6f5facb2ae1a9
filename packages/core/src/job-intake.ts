import type { ProducerConfig } from "@producer/config";
import { TimeoutError } from "@producer/utils";
import type { JobInput } from "./generate-input.js";
import { isTerminal, type DirectResult, type GenerateMusicResult, type Job, type QueuedResult } from "./job.js";
import type { QueuedCounts } from "./queued-counts.js";
import type { RunEstimate } from "./run-estimate.js";
import type { JobRow } from "./store/job-row.js";
import type { JobStore } from "./store/job-store.js";
import type { Worker } from "./worker.js";

/** A direct call runs before every queued job. */
const DIRECT_PRIORITY = 1000;

/** A checked request of any kind (a new song or an operation), ready to queue. */
export interface CheckedJob {
  job: JobInput;
  useQueue: boolean;
  idempotencyKey?: string;
  webhookUrl?: string;
}

export interface IntakeDeps {
  config: ProducerConfig;
  jobs: JobStore;
  queued: QueuedCounts;
  runEstimate: RunEstimate;
  worker: Worker | undefined;
  /** Called once a new (not reused) job was inserted. */
  noteNew(jobId: string): void;
  waitForJob(id: string, options: { timeoutMs: number }): Promise<Job>;
  getJob(id: string): Promise<Job>;
}

/**
 * Queues a checked job and answers with its place in the queue; in direct mode runs it now and answers with the
 * ended job (or the running one, past the direct wait).
 */
export async function enqueueJob(parsed: CheckedJob, deps: IntakeDeps): Promise<GenerateMusicResult> {
  const { config, jobs, queued, runEstimate } = deps;
  const direct = !parsed.useQueue;
  const { row, reused } = await jobs.insert({
    input: direct ? { ...parsed.job, priority: DIRECT_PRIORITY } : parsed.job,
    ...(parsed.idempotencyKey ? { idempotencyKey: parsed.idempotencyKey } : {}),
    ...(parsed.webhookUrl ? { webhookUrl: parsed.webhookUrl } : {}),
    maxAttempts: config.queue.maxAttempts,
    maxQueued: config.queue.maxQueued,
    retryAfterMs: async () => Math.ceil((await runEstimate.latestMs()) / config.queue.concurrency),
    countQueued: () => queued.total(config.queue.maxQueued),
  });
  if (!reused) {
    queued.noteQueued(row.priority);
    deps.noteNew(row.id);
  }
  if (direct) return runDirect(row, deps);
  deps.worker?.wake();
  const position = reused ? await jobs.position(row) : await queued.positionOfNew(row.priority);
  const averageMs = await runEstimate.recentMs();
  const result: QueuedResult = {
    jobId: row.id,
    status: "queued",
    position: row.status === "queued" ? position : 0,
    etaMs: row.status === "queued" ? Math.round((position * averageMs) / config.queue.concurrency) : 0,
    reused,
  };
  return result;
}

async function runDirect(row: JobRow, deps: IntakeDeps): Promise<DirectResult> {
  const { worker } = deps;
  if (worker && row.status === "queued") {
    const claimed = await worker.claim(row.id);
    if (claimed) void worker.runNow(claimed);
  } else {
    worker?.wake();
  }
  const job = await deps
    .waitForJob(row.id, { timeoutMs: deps.config.queue.directWaitMs })
    .catch(async (error: unknown) => {
      if (TimeoutError.isInstance(error)) return deps.getJob(row.id);
      throw error;
    });
  return { jobId: job.id, status: job.status, job, tracks: job.tracks, completed: isTerminal(job.status) };
}
