import type { ProducerConfig } from "@producer/config";
import {
  CancelledError,
  StepTotals,
  type GenerationProgress,
  type Logger,
  type MusicGenerator,
  type Storage,
  type SubmissionRecord,
} from "@producer/utils";
import type { JobInput } from "./generate-input.js";
import type { JobStatus } from "./job.js";
import { LeaseLost, settleFailure } from "./job-failure.js";
import { runPipeline } from "./pipeline.js";
import { QueuePause, type PauseState } from "./queue-pause.js";
import type { DownloadedSong, JobRow } from "./store/job-row.js";
import { JobNotices } from "./store/job-notices.js";
import type { JobStore } from "./store/job-store.js";
import type { TrackStore } from "./store/track-store.js";
import { instanceOwnerPrefix, LIVE_WORKERS, orphanedOwners, workerOwnerId } from "./worker-owner.js";

export interface WorkerDeps {
  config: ProducerConfig;
  jobs: JobStore;
  tracks: TrackStore;
  generator: MusicGenerator;
  storage: Storage;
  logger: Logger;
  /** This daemon's persisted instance id (`loadInstanceId`): whose leases are whose after a crash. */
  instanceId: string;
  /** The accounts this daemon may run a job on now; a job bound to another stays for a daemon that runs it. */
  claimableAccounts: () => readonly string[];
  /**
   * On PostgreSQL, where other daemons announce the jobs they queue: an idle worker wakes for them (and calls
   * `onNotice`) instead of waiting for its next poll.
   */
  notices?: { url: string; onNotice: () => void };
  /** Called after every change this worker makes to a job. */
  onChange: (jobId: string) => void;
  /** Called when the queue pauses or resumes. */
  onPauseChange?: () => void;
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
  private readonly pause: QueuePause;
  private readonly notices: JobNotices | undefined;
  /** Completed step durations, for metrics: status → total ms and count. */
  readonly stepDurations = new StepTotals();

  constructor(private readonly deps: WorkerDeps) {
    this.id = workerOwnerId(deps.instanceId);
    this.pause = new QueuePause({
      config: deps.config,
      generator: deps.generator,
      logger: deps.logger,
      running: () => this.running,
      onChange: deps.onPauseChange,
      onResume: () => this.wake(),
    });
    const { notices } = deps;
    if (notices) {
      this.notices = new JobNotices({
        url: notices.url,
        logger: deps.logger,
        onNotice: () => {
          this.wake();
          notices.onNotice();
        },
      });
    }
  }

  get paused(): PauseState | undefined {
    return this.pause.state;
  }

  get activeCount(): number {
    return this.active.size;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    LIVE_WORKERS.add(this.id);
    void this.notices?.start();
    this.loop = this.reclaimOrphans().then(() => this.claimLoop());
  }

  /**
   * Takes back, at once, the jobs a crashed worker of this instance on this host left running: their process is
   * gone, so waiting out the lease would only delay them. They resume by the submission rule (never re-sent).
   */
  private async reclaimOrphans(): Promise<void> {
    const owners = await this.deps.jobs
      .runningOwners(instanceOwnerPrefix(this.deps.instanceId))
      .catch(() => [] as string[]);
    const orphans = orphanedOwners(this.id, owners);
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
    this.pause.stop();
    await this.notices?.close();
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
    this.pause.resume();
  }

  /** Stops a job this worker is running; false when it runs elsewhere (its worker sees the request at renewal). */
  cancelLocal(jobId: string): boolean {
    const entry = this.active.get(jobId);
    if (!entry) return false;
    entry.cancelledByRequest = true;
    entry.controller.abort(new CancelledError("Cancelled by request."));
    return true;
  }

  /** Leases the next job this daemon may run (or job `id` only), on one of its accounts or on none yet. */
  claim(id?: string): Promise<JobRow | undefined> {
    const accounts = this.deps.claimableAccounts();
    // A fleet daemon that owns no account yet runs nothing: a job bound to no account would find none here.
    if (accounts.length === 0) return Promise.resolve(undefined);
    return this.deps.jobs.claim(this.id, this.deps.config.queue.leaseMs, {
      accounts,
      ...(id ? { id } : {}),
    });
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
      if (!this.pause.state && queuedSlots < queue.concurrency) {
        claimed = await this.claim().catch((error: unknown) => {
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
    const entry: ActiveJob = {
      controller: new AbortController(),
      done: Promise.resolve(),
      direct,
      cancelledByRequest: false,
    };
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
      const error = {
        code: row.error_code ?? "INTERNAL",
        message: row.error_message ?? "The job's worker stopped.",
        retryable: false,
      };
      await jobs.finish(jobId, this.id, "failed", {
        ...error,
        message: `Gave up after ${attempts - 1} attempts: ${error.message}`,
      });
      this.deps.onChange(jobId);
      return;
    }
    const heartbeat = setInterval(
      () => {
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
      },
      Math.max(250, Math.floor(config.queue.leaseMs / 3)),
    );
    heartbeat.unref();

    let step: JobStatus = "generating";
    let stepStarted = Date.now();
    // Writes are serialized, so a late progress update can never overwrite a later step.
    let writes: Promise<void> = Promise.resolve();
    const setStatus = (
      status: JobStatus,
      patch: { progress?: GenerationProgress | null; downloaded?: DownloadedSong[] } = {},
    ) => {
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
    // The submission, or the input a step completed, written in turn with the steps.
    const save = async (patch: { submission: SubmissionRecord } | { input: JobInput }) => {
      const write = writes.then(async () => {
        if (!(await jobs.update(jobId, this.id, patch))) throw new LeaseLost("lease lost");
        this.deps.onChange(jobId);
      });
      writes = write.catch(() => undefined);
      await write;
    };
    try {
      log.info("job started");
      await runPipeline(
        {
          jobId,
          input: JSON.parse(row.input),
          downloaded: row.downloaded ? (JSON.parse(row.downloaded) as DownloadedSong[]) : null,
          submission: row.submission ? (JSON.parse(row.submission) as SubmissionRecord) : null,
          saveSubmission: (record) => save({ submission: record }),
          saveInput: (input) => save({ input }),
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
      await settleFailure(
        { config, jobs, owner: this.id, pause: (error) => this.pause.pause(error) },
        row,
        reason,
        log,
        entry.cancelledByRequest,
      );
    } finally {
      clearInterval(heartbeat);
      this.deps.onChange(jobId);
    }
  }

  private recordStep(status: string, ms: number): void {
    this.stepDurations.add(status, ms);
  }
}
