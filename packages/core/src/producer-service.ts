import {
  createStorage,
  DisabledError,
  silentLogger,
  type ByteRange,
  type Logger,
  type MusicGenerator,
  type Storage,
} from "@producer/utils";
import type { ProducerConfig } from "@producer/config";
import { parseGenerateInput, type GenerateMusicInput } from "./generate-input.js";
import { parseOperateInput, type OperateInput } from "./operation-input.js";
import { runSiteTask, type SiteTaskInput, type SiteTaskResult } from "./site-tasks/run-site-task.js";
import { SiteTasks } from "./site-tasks/site-tasks.js";
import { enqueueJob, type CheckedJob } from "./job-intake.js";
import { resolveOperationJob, withReferenceAccount } from "./operation-source.js";
import { listLibrary, storedImport, type LibraryInput, type LibraryListing } from "./song-library.js";
import { isTerminal, type GenerateMusicResult, type Job, type JobStatus, type Track } from "./job.js";
import { JobEvents } from "./job-events.js";
import { JobFeed } from "./job-feed.js";
import { loadInstanceId } from "./instance-id.js";
import { waitForJobEnd, watchJobChanges } from "./job-watch.js";
import { JobViews } from "./job-views.js";
import { AccountOwnerStore } from "./store/account-owner-store.js";
import { AccountSlotStore } from "./store/account-slot-store.js";
import type { ProducerDatabase } from "./store/database.js";
import { JobStore } from "./store/job-store.js";
import { openMigratedDatabase } from "./store/migrations.js";
import { openStoredAudio } from "./track-audio.js";
import { TrackStore, type TrackPage } from "./store/track-store.js";
import { QueueUpkeep } from "./queue-upkeep.js";
import type { ProducerBackend, QueueStatus, SessionReport, TrackAudio, TrackQuery } from "./producer-backend.js";
import { QueuedCounts } from "./queued-counts.js";
import { reopenForRetry } from "./job-retry.js";
import { RunEstimate } from "./run-estimate.js";
import { Worker } from "./worker.js";
import type { ProducerServiceOptions } from "./producer-service-options.js";

export type { ProducerServiceOptions } from "./producer-service-options.js";

export type ServiceStatus = QueueStatus;

/**
 * Turns prompts into stored tracks. Jobs live in the database (SQLite by default, PostgreSQL for many daemons),
 * so they survive restarts and crashes; with a generator this process also runs them.
 *
 * @example
 * ```ts
 * const service = await ProducerService.create({ config, generator: new BrowserSession({ config }) });
 * const { jobId } = await service.generateMusic({ prompt: "Create a happy pop song", useQueue: true });
 * const job = await service.waitForJob(jobId, { timeoutMs: 600_000 });
 * ```
 */
export class ProducerService extends SiteTasks implements ProducerBackend, AsyncDisposable {
  readonly events = new JobEvents();
  private readonly jobs: JobStore;
  private readonly tracks: TrackStore;
  private readonly worker: Worker | undefined;
  private readonly logger: Logger;
  /** The webhook outbox, the retention of ended jobs and the status counts. */
  private readonly upkeep: QueueUpkeep;
  private readonly queued: QueuedCounts;
  /** Every event stream and wait of this process watches jobs through this one feed. */
  private readonly feed: JobFeed;
  private readonly runEstimate: RunEstimate;
  private closed = false;
  private workerStarted = false;
  /** Each account's running jobs, shared by every daemon on this database (see `AccountPool.useSlots`). */
  readonly accountSlots: AccountSlotStore;
  /** Which daemon owns each account of a fleet, and its sealed login state (see `AccountOwnership`). */
  readonly accountOwners: AccountOwnerStore;
  private readonly views: JobViews;

  /** This daemon's id among those of its database, kept in its data dir (see `loadInstanceId`). */
  readonly instanceId: string;

  private constructor(
    private readonly config: ProducerConfig,
    private readonly database: ProducerDatabase,
    readonly storage: Storage,
    private readonly generator: MusicGenerator | undefined,
    logger: Logger,
    options: Pick<ProducerServiceOptions, "claimableAccounts" | "instanceId">,
  ) {
    super();
    this.instanceId = options.instanceId ?? loadInstanceId(config.paths.dataDir);
    this.logger = logger;
    this.jobs = new JobStore(database.db, database.dialect);
    this.accountSlots = new AccountSlotStore(database.db, database.dialect);
    this.accountOwners = new AccountOwnerStore(database.db, database.dialect);
    this.views = new JobViews(database.dialect, this.accountOwners, () => this.worker?.paused);
    this.queued = new QueuedCounts(this.jobs);
    this.runEstimate = new RunEstimate(this.jobs);
    this.tracks = new TrackStore(database.db);
    this.upkeep = new QueueUpkeep(config, database, this.jobs, logger, (id) => this.getJob(id), this.instanceId);
    this.feed = new JobFeed({
      events: this.events,
      changeStamps: (ids) => this.jobs.changeStamps(ids),
      load: (id) => this.getJob(id),
      intervalMs: Math.min(1000, config.queue.pollIntervalMs),
    });
    if (generator) {
      this.worker = new Worker({
        config,
        jobs: this.jobs,
        tracks: this.tracks,
        generator,
        storage,
        logger: logger.child({ component: "worker" }),
        instanceId: this.instanceId,
        claimableAccounts: options.claimableAccounts ?? (() => config.accounts.map((account) => account.name)),
        onChange: (jobId) => void this.publish(jobId),
        onPauseChange: () => void this.publishQueued().catch(() => undefined),
        ...(database.dialect === "postgres"
          ? { notices: { url: config.database.url, onNotice: () => this.feed.poke() } }
          : {}),
      });
    }
  }

  /** Opens (and migrates) the database and, with a generator, starts the worker. */
  static async create(options: ProducerServiceOptions): Promise<ProducerService> {
    const { config } = options;
    if (!config.enabled) throw new DisabledError();
    const logger = options.logger ?? silentLogger;
    const database = await openMigratedDatabase(config, logger);
    const service = new ProducerService(
      config,
      database,
      options.storage ?? createStorage(config),
      options.generator,
      logger,
      options,
    );
    if (options.startWorker !== false) service.startWorker();
    return service;
  }

  /** Starts claiming and running jobs (once; `create` does it unless told not to). */
  startWorker(): void {
    this.assertOpen();
    if (this.workerStarted) return;
    this.workerStarted = true;
    this.worker?.start();
    if (this.worker) this.upkeep.start();
  }

  /** The database dialect in use. */
  get dialect(): "sqlite" | "postgres" {
    return this.database.dialect;
  }

  async generateMusic(input: GenerateMusicInput): Promise<GenerateMusicResult> {
    this.assertOpen();
    const parsed = parseGenerateInput(input, {
      format: this.config.site.downloadFormat,
      site: this.config.site,
      accounts: await this.knownAccounts(input.account),
      webhooks: this.config.webhooks,
    });
    return this.enqueue(await withReferenceAccount(parsed, this.clipAccounts()));
  }

  /**
   * Does something to a song that exists — extend, replace, cover, stems, trim, speed, convert, import — as a job
   * with every promise a generation has (see `resolveOperationJob` for the account it runs on). An import of a
   * song already stored in that format answers with the job that stored it.
   */
  async operate(input: OperateInput): Promise<GenerateMusicResult> {
    this.assertOpen();
    const parsed = parseOperateInput(input, {
      format: this.config.site.downloadFormat,
      formats: this.config.site.formats,
      accounts: await this.knownAccounts(input?.account),
      webhooks: this.config.webhooks,
    });
    const job = await resolveOperationJob(parsed, this.clipAccounts());
    const importDeps = { tracks: this.tracks, getJob: (id: string) => this.getJob(id), direct: !parsed.useQueue };
    return (await storedImport(job, importDeps)) ?? this.enqueue({ ...parsed, job });
  }

  /** One page of an account's library on the site, each song with the track that stores it here; spends nothing. */
  async library(input: LibraryInput = {}): Promise<LibraryListing> {
    this.assertOpen();
    const accounts = await this.knownAccounts(input.account);
    return listLibrary(input, { generator: this.generator, tracks: this.tracks, accounts });
  }

  /** Runs one task that is not a song (lyrics, an image, an upload, …) on the site now; see `SITE_TASKS`. */
  async runTask(input: SiteTaskInput): Promise<SiteTaskResult> {
    this.assertOpen();
    const accounts = await this.knownAccounts(typeof input?.account === "string" ? input.account : undefined);
    const { config, storage, tracks, logger, generator } = this;
    return runSiteTask(input, { config, storage, tracks, logger, generator, accounts });
  }

  /** The accounts a job may name; in a fleet, also every account some other daemon has taken. */
  private knownAccounts = (named: string | null | undefined) => this.views.knownAccounts(this.config, named);

  /** Queues a checked job (or runs it now, in direct mode). */
  private enqueue(parsed: CheckedJob): Promise<GenerateMusicResult> {
    return enqueueJob(parsed, {
      config: this.config,
      jobs: this.jobs,
      queued: this.queued,
      runEstimate: this.runEstimate,
      worker: this.worker,
      noteNew: (jobId) => {
        // A new job has no webhook to send yet: it is read back only for someone watching.
        if (this.events.listenerCount("job") > 0) void this.publish(jobId);
      },
      waitForJob: (id, options) => this.waitForJob(id, options),
      getJob: (id) => this.getJob(id),
    });
  }

  async getJob(id: string): Promise<Job> {
    const row = await this.jobs.get(id);
    const tracks = row.status === "succeeded" ? await this.tracks.forJob(id) : [];
    const [job] = (await this.views.of([row], () => tracks)) as [Job];
    return row.status === "queued" ? { ...job, position: await this.jobs.position(row) } : job;
  }

  /** The queued jobs in the order they will run, each with its position (1 runs next). */
  async upNext(options: { limit?: number } = {}): Promise<Job[]> {
    const rows = await this.jobs.upNext(options.limit ?? 20);
    return (await this.views.of(rows)).map((job, index) => ({ ...job, position: index + 1 }));
  }

  /**
   * Every change of the job, from its state now until it ends (or `signal` aborts). Events cover this process;
   * a poll each second covers jobs run by another process on a shared database.
   */
  watchJob(id: string, options: { signal?: AbortSignal } = {}): AsyncGenerator<Job> {
    return watchJobChanges(this.feed, (jobId) => this.getJob(jobId), id, options);
  }

  /** Tells every watcher of a queued job that the queue paused or resumed. */
  private async publishQueued(): Promise<void> {
    const { rows } = await this.jobs.list({ status: "queued", limit: 200 });
    for (const row of rows) await this.publish(row.id);
  }

  /** Resolves with the job once it has ended; rejects with `TIMEOUT` (the job in `details.job`) past `timeoutMs`. */
  waitForJob(id: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Job> {
    return waitForJobEnd(this.feed, (jobId) => this.getJob(jobId), id, options);
  }

  /**
   * Runs an ended job again. A job whose submission reached the site (`recoverable`) resumes it: its songs are
   * found by the submission's ids and stored, and nothing is submitted again — after a fixed locator, a restart,
   * or on another daemon of the same database. A job that failed before anything reached the site is run again
   * only with `resubmit: true`, which submits anew and spends credits. A job that succeeded, or has not ended,
   * is a `CONFLICT`.
   */
  async retry(id: string, options: { resubmit?: boolean } = {}): Promise<Job> {
    await reopenForRetry(this.jobs, await this.getJob(id), options, this.logger);
    this.worker?.wake();
    await this.publish(id);
    return this.getJob(id);
  }

  /** Cancels a queued job at once; a running one stops at its next step. Ended jobs are left as they are. */
  async cancel(id: string): Promise<Job> {
    await this.jobs.requestCancel(id);
    this.worker?.cancelLocal(id);
    await this.publish(id);
    return this.getJob(id);
  }

  async listJobs(
    options: { status?: JobStatus; limit?: number; cursor?: string } = {},
  ): Promise<{ jobs: Job[]; nextCursor: string | null }> {
    const { rows, nextCursor } = await this.jobs.list(options);
    return { jobs: await this.views.of(rows), nextCursor };
  }

  listTracks = (options: TrackQuery = {}): Promise<TrackPage> => this.tracks.list(options);

  getTrack = (id: string): Promise<Track> => this.tracks.get(id);

  /** The stored song's bytes; with `range`, only those bytes (for a player that seeks). */
  async openTrackAudio(id: string, options: { range?: ByteRange } = {}): Promise<TrackAudio> {
    return openStoredAudio(await this.tracks.get(id), this.storage, options.range);
  }

  /** The ProducerAI session, checked by this process's browser; without one, says so. */
  async session(options: { force?: boolean } = {}): Promise<SessionReport> {
    const paused = this.worker?.paused ?? null;
    const checkedAt = new Date().toISOString();
    const status = this.generator
      ? await this.generator.checkSession(options)
      : { valid: false, reason: "This process has no browser session.", checkedAt };
    return { ...status, paused };
  }

  async status(): Promise<ServiceStatus> {
    const jobsByStatus = await this.upkeep.counts.byStatus();
    return {
      paused: this.worker?.paused ?? null,
      activeJobs: this.worker?.activeCount ?? 0,
      jobsByStatus,
      queueDepth: jobsByStatus.queued ?? 0,
    };
  }

  /** Whether the database answers (for `/readyz`): reads no table. */
  ping = (): Promise<void> => this.upkeep.ping();

  /** Step durations measured by this process's worker: status → { totalMs, count }. */
  stepDurations(): ReadonlyMap<string, { totalMs: number; count: number }> {
    return this.worker?.stepDurations.byStep ?? new Map();
  }

  /** Resumes a queue paused by a session problem (after `session import`, say). */
  resume(): void {
    this.worker?.resume();
  }

  /** Stops taking jobs; running ones get `graceMs` to finish, the rest stay queued. */
  async close(options: { graceMs?: number } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.feed.close();
    await this.worker?.stop(options.graceMs ?? this.config.daemon.shutdownGraceMs);
    await this.upkeep.close();
    await this.database.close();
  }

  [Symbol.asyncDispose] = (): Promise<void> => this.close();

  /** What finds the account whose library holds a clip: the stored tracks of it, else the daemon's first. */
  private readonly clipAccounts = () => ({ tracks: this.tracks, defaultAccount: this.config.accounts[0]?.name });

  private assertOpen(): void {
    if (this.closed) throw new DisabledError("The producer service is closed.");
  }

  private async publish(jobId: string): Promise<void> {
    if (this.closed) return;
    try {
      const job = await this.getJob(jobId);
      this.events.emit("job", job);
      if (isTerminal(job.status) && job.webhookUrl && job.webhookStatus === "pending") this.upkeep.outbox.wake();
    } catch (error) {
      this.logger.debug({ jobId, error: (error as Error).message }, "could not publish a job change");
    }
  }
}
