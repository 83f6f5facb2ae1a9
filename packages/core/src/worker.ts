import { createHash, randomUUID } from "node:crypto";
import os from "node:os";
import type { ProducerConfig } from "@producer/config";
import {
  backoffDelay,
  CancelledError,
  ProducerError,
  toProducerError,
  type GenerationProgress,
  type Logger,
  type MusicGenerator,
  type Storage,
  type SubmissionRecord,
} from "@producer/utils";
import type { JobError, JobStatus } from "./job.js";
import { runPipeline } from "./pipeline.js";
import type { DownloadedSong, JobRow, JobStore } from "./store/job-store.js";
import type { TrackStore } from "./store/track-store.js";

/** Errors that say the account cannot generate right now: the queue pauses instead of burning every job. */
export const PAUSING_CODES = new Set(["SESSION_EXPIRED", "CHALLENGE", "QUOTA_EXHAUSTED", "LOGIN_FAILED", "NO_ACCOUNT"]);

export interface WorkerDeps {
  config: ProducerConfig;
  jobs: JobStore;
  tracks: TrackStore;
  generator: MusicGenerator;
  storage: Storage;
  logger: Logger;
  /** Called after every change this worker makes to a job. */
  onChange: (jobId: string) => void;
  /** Called when the queue pauses or resumes. */
  onPauseChange?: () => void;
}

export interface PauseState {
  code: string;
  reason: string;
  since: string;
}

class LeaseLost extends Error {}

/** Workers alive in this process, so a restart in one process never takes a live sibling's jobs. */
const LIVE_WORKERS = new Set<string>();

/**
 * A worker's lease name says where it runs: `<host>:<pid>:<data dir tag>:<uuid>`. After a crash, the next worker
 * of the same data dir on the same host sees that the process is gone and takes its jobs back at once.
 */
export function workerOwnerId(dataDir: string, pid = process.pid, host = os.hostname()): string {
  return `${host}:${pid}:${dataDirTag(dataDir)}:${randomUUID()}`;
}

const dataDirTag = (dataDir: string) => createHash("sha256").update(dataDir).digest("hex").slice(0, 12);

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

interface ActiveJob {
  controller: AbortController;
  done: Promise<void>;
  direct: boolean;
  /** Set when the stop came from a cancel request, as opposed to a shutdown. */
  cancelledByRequest: boolean;
}

/**
 * Claims jobs and runs them through the pipeline, up to `queue.concurrency` at once (direct jobs run beside
 * them, bounded by the browser pool). Renews each lease while it runs; a retryable failure goes back to the
 * queue after a backoff, a session problem pauses claiming until the session is valid again.
 */
export class Worker {
  readonly id: string;
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly active = new Map<string, ActiveJob>();
  private wakeUp: (() => void) | undefined;
  private pausedBy: PauseState | undefined;
  private recheckTimer: NodeJS.Timeout | undefined;
  /** The wait before the next check of a paused queue: doubles from `pauseRecheckMs` up to `pauseRecheckMaxMs`. */
  private recheckDelayMs = 0;
  /** Completed step durations, for metrics: status → total ms and count. */
  readonly stepDurations = new Map<string, { totalMs: number; count: number }>();

  constructor(private readonly deps: WorkerDeps) {
    this.id = workerOwnerId(deps.config.paths.dataDir);
  }

  get paused(): PauseState | undefined {
    return this.pausedBy;
  }

  get activeCount(): number {
    return this.active.size;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    LIVE_WORKERS.add(this.id);
    this.loop = this.reclaimOrphans().then(() => this.claimLoop());
  }

  /**
   * Takes back, at once, the jobs a crashed worker of this data dir on this host left running: their process is
   * gone, so waiting out the lease would only delay them. They resume by the submission rule (never re-sent).
   */
  private async reclaimOrphans(): Promise<void> {
    const [host, , tag] = this.id.split(":");
    const owners = await this.deps.jobs.runningOwners(`${host}:`).catch(() => [] as string[]);
    const orphans = owners.filter((owner) => {
      const [ownerHost, pidText, ownerTag] = owner.split(":");
      if (ownerHost !== host || ownerTag !== tag) return false;
      const pid = Number(pidText);
      if (!Number.isInteger(pid) || pid <= 0) return false;
      return pid === process.pid ? !LIVE_WORKERS.has(owner) : processGone(pid);
    });
    if (orphans.length === 0) return;
    const count = await this.deps.jobs.expireLeases(orphans);
    this.deps.logger.warn({ jobs: count, owners: orphans.length }, "took back the jobs of a worker that is gone");
  }

  /** Look for work now rather than at the next poll. */
  wake(): void {
    this.wakeUp?.();
  }

  /** Stops claiming; running jobs get `graceMs` to finish, then are stopped and returned to the queue. */
  async stop(graceMs: number): Promise<void> {
    this.running = false;
    this.wake();
    clearTimeout(this.recheckTimer);
    await this.loop;
    LIVE_WORKERS.delete(this.id);
    const all = Promise.all([...this.active.values()].map((entry) => entry.done));
    const timer = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([all, timer]);
    for (const entry of this.active.values()) entry.controller.abort(new CancelledError("shutting down"));
    await all;
  }

  /** Resume claiming after a pause (for example once a new login state was imported). */
  resume(): void {
    if (!this.pausedBy) return;
    this.deps.logger.info({ was: this.pausedBy.code }, "queue resumed");
    this.pausedBy = undefined;
    this.deps.onPauseChange?.();
    clearTimeout(this.recheckTimer);
    this.wake();
  }

  /** Stops a job this worker is running; false when it runs elsewhere (its worker sees the request at renewal). */
  cancelLocal(jobId: string): boolean {
    const entry = this.active.get(jobId);
    if (!entry) return false;
    entry.cancelledByRequest = true;
    entry.controller.abort(new CancelledError("Cancelled by request."));
    return true;
  }

  /** Runs one claimed job now, outside the concurrency limit (direct mode). */
  runNow(row: JobRow): Promise<void> {
    return this.execute(row, true);
  }

  private async claimLoop(): Promise<void> {
    const { queue } = this.deps.config;
    while (this.running) {
      const queuedSlots = [...this.active.values()].filter((entry) => !entry.direct).length;
      let claimed: JobRow | undefined;
      if (!this.pausedBy && queuedSlots < queue.concurrency) {
        claimed = await this.deps.jobs.claim(this.id, queue.leaseMs).catch((error: unknown) => {
          this.deps.logger.error({ error: (error as Error).message }, "claiming failed");
          return undefined;
        });
      }
      if (claimed) {
        void this.execute(claimed, false);
        continue;
      }
      await new Promise<void>((resolve) => {
        this.wakeUp = resolve;
        setTimeout(resolve, queue.pollIntervalMs).unref();
      });
      this.wakeUp = undefined;
    }
  }

  private execute(row: JobRow, direct: boolean): Promise<void> {
    const entry: ActiveJob = { controller: new AbortController(), done: Promise.resolve(), direct, cancelledByRequest: false };
    this.active.set(row.id, entry);
    entry.done = this.runJob(row, entry).finally(() => {
      this.active.delete(row.id);
      this.wake();
    });
    return entry.done;
  }

  private async runJob(row: JobRow, entry: ActiveJob): Promise<void> {
    const { controller } = entry;
    const { config, jobs, logger } = this.deps;
    const jobId = row.id;
    const log = logger.child({ jobId, attempt: Number(row.attempts) });
    const attempts = Number(row.attempts);
    if (Number(row.cancel_requested) === 1) {
      await jobs.finish(jobId, this.id, "cancelled");
      this.deps.onChange(jobId);
      return;
    }
    if (attempts > Number(row.max_attempts)) {
      const error = { code: row.error_code ?? "INTERNAL", message: row.error_message ?? "The job's worker stopped.", retryable: false };
      await jobs.finish(jobId, this.id, "failed", { ...error, message: `Gave up after ${attempts - 1} attempts: ${error.message}` });
      this.deps.onChange(jobId);
      return;
    }
    const heartbeat = setInterval(() => {
      jobs
        .renew(jobId, this.id, config.queue.leaseMs)
        .then(({ held, cancelRequested }) => {
          if (!held) controller.abort(new LeaseLost("lease lost"));
          else if (cancelRequested) {
            entry.cancelledByRequest = true;
            controller.abort(new CancelledError("Cancelled by request."));
          }
        })
        .catch(() => undefined);
    }, Math.max(250, Math.floor(config.queue.leaseMs / 3)));
    heartbeat.unref();

    let step: JobStatus = "generating";
    let stepStarted = Date.now();
    // Writes are serialized, so a late progress update can never overwrite a later step.
    let writes: Promise<void> = Promise.resolve();
    const setStatus = (status: JobStatus, patch: { progress?: GenerationProgress | null; downloaded?: DownloadedSong[] } = {}) => {
      const write = writes.then(async () => {
        if (status !== step) {
          this.recordStep(step, Date.now() - stepStarted);
          step = status;
          stepStarted = Date.now();
        }
        if (!(await jobs.update(jobId, this.id, { status, ...patch }))) throw new LeaseLost("lease lost");
        this.deps.onChange(jobId);
      });
      writes = write.catch(() => undefined);
      return write;
    };
    try {
      log.info("job started");
      await runPipeline(
        {
          jobId,
          input: JSON.parse(row.input),
          downloaded: row.downloaded ? (JSON.parse(row.downloaded) as DownloadedSong[]) : null,
          submission: row.submission ? (JSON.parse(row.submission) as SubmissionRecord) : null,
          saveSubmission: async (record) => {
            const write = writes.then(async () => {
              if (!(await jobs.update(jobId, this.id, { submission: record }))) throw new LeaseLost("lease lost");
              this.deps.onChange(jobId);
            });
            writes = write.catch(() => undefined);
            await write;
          },
          signal: controller.signal,
          setStatus,
          onProgress: (progress) => {
            const downloading = progress.stage === "downloading" || progress.stage === "done";
            void setStatus(downloading ? "downloading" : "generating", { progress }).catch(() => undefined);
          },
        },
        this.deps,
      );
      this.recordStep(step, Date.now() - stepStarted);
      await jobs.finish(jobId, this.id, "succeeded");
      log.info("job succeeded");
    } catch (caught) {
      const reason = controller.signal.aborted ? (controller.signal.reason as unknown) : caught;
      await this.settleFailure(row, reason, log, entry.cancelledByRequest);
    } finally {
      clearInterval(heartbeat);
      this.deps.onChange(jobId);
    }
  }

  private async settleFailure(row: JobRow, caught: unknown, log: Logger, cancelledByRequest: boolean): Promise<void> {
    const { jobs, config } = this.deps;
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
      await jobs.finish(jobId, this.id, "cancelled");
      return;
    }
    if (error.code === "CANCELLED") {
      // Stopped by a shutdown (ours, or the browser pool's), not by a request: back to the queue untouched.
      await jobs.requeue(jobId, this.id, { delayMs: 0, refundAttempt: true });
      return;
    }
    if (PAUSING_CODES.has(error.code)) {
      await jobs.requeue(jobId, this.id, { delayMs: 0, error: asJobError, refundAttempt: true });
      this.pause(error);
      return;
    }
    if (error.code === "ACCOUNT_WALLED") {
      // The job's account is walled (it holds the job's songs, or the job named it): the job waits for it, looking
      // again every pauseRecheckMs (a new login state lifts the wall before its time), its attempts untouched.
      const delayMs = Math.min(config.queue.pauseRecheckMs, Math.max(250, Number(error.details.retryAfterMs ?? 0)));
      log.warn({ account: error.details.account, delayMs }, "the job's account is walled; the job waits for it");
      await jobs.requeue(jobId, this.id, { delayMs, error: asJobError, refundAttempt: true });
      return;
    }
    if (error.code === "STORAGE_FAILED" && error.retryable) {
      // Nothing was spent: the audio is kept and the next attempt only uploads.
      const delayMs = backoffDelay(Math.min(attempts, 6), { baseDelayMs: config.queue.backoffBaseMs, maxDelayMs: config.queue.backoffMaxMs });
      log.warn({ delayMs }, "storage unavailable; the job waits with its audio kept");
      await jobs.requeue(jobId, this.id, { delayMs, error: asJobError, refundAttempt: true });
      return;
    }
    if (error.retryable && attempts < Number(row.max_attempts)) {
      const delayMs = backoffDelay(attempts, { baseDelayMs: config.queue.backoffBaseMs, maxDelayMs: config.queue.backoffMaxMs });
      log.warn({ code: error.code, delayMs }, "job failed; it will be retried");
      await jobs.requeue(jobId, this.id, { delayMs, error: asJobError });
      return;
    }
    log.error({ code: error.code, message: error.message }, "job failed");
    await jobs.finish(jobId, this.id, "failed", asJobError);
  }

  private pause(error: ProducerError): void {
    if (!this.pausedBy) {
      this.pausedBy = { code: error.code, reason: error.message, since: new Date().toISOString() };
      this.deps.logger.warn({ code: error.code }, "queue paused until the session is usable again");
      this.deps.onPauseChange?.();
    }
    this.recheckDelayMs = this.deps.config.queue.pauseRecheckMs;
    this.scheduleRecheck();
  }

  private scheduleRecheck(): void {
    clearTimeout(this.recheckTimer);
    this.recheckTimer = setTimeout(() => void this.recheck(), this.recheckDelayMs);
    this.recheckTimer.unref();
  }

  private async recheck(): Promise<void> {
    if (!this.pausedBy || !this.running) return;
    // Through the page already open on the site: a pause costs the site no page loads.
    const status = await this.deps.generator.checkSession({ force: true, viaOpenPage: true }).catch(() => undefined);
    const { site } = this.deps.config;
    const price = site.creditsPerSong * site.songsPerGeneration;
    // Out of credits stays paused while the balance is still under one generation's price.
    const stillShort = this.pausedBy.code === "QUOTA_EXHAUSTED" && status?.credits !== undefined && status.credits < price;
    if (status?.valid && !stillShort) this.resume();
    else {
      if (status) {
        const reason = stillShort ? `The account has ${status.credits} credits; one generation costs about ${price}.` : status.reason;
        this.pausedBy = { ...this.pausedBy, reason };
      }
      const { pauseRecheckMs, pauseRecheckMaxMs } = this.deps.config.queue;
      this.recheckDelayMs = Math.min(Math.max(pauseRecheckMs, pauseRecheckMaxMs), this.recheckDelayMs * 2);
      this.scheduleRecheck();
    }
  }

  private recordStep(status: string, ms: number): void {
    const entry = this.stepDurations.get(status) ?? { totalMs: 0, count: 0 };
    entry.totalMs += ms;
    entry.count += 1;
    this.stepDurations.set(status, entry);
  }
}
