import { randomUUID } from "node:crypto";
import type { ExpressionBuilder, Kysely, UpdateObject } from "kysely";
import { ConflictError, QueueFullError, type GenerationProgress, type SubmissionRecord } from "@producer/utils";
import type { JobInput } from "../generate-input.js";
import { RUNNING_STATUSES, type JobError, type JobStatus } from "../job.js";
import type { Database, Dialect } from "./database.js";
import { databaseNowMs, plusMs } from "./db-clock.js";
import { announceJobs } from "./job-notices.js";
import { hashInput } from "./input-hash.js";
import { JobQueries } from "./job-queries.js";
import { errorColumns, queuedRow, type DownloadedSong, type JobRow } from "./job-row.js";

const isUniqueViolation = (error: unknown) => {
  const code = (error as { code?: string }).code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
};

/**
 * The durable queue. Claiming is one atomic statement — PostgreSQL `FOR UPDATE SKIP LOCKED`, SQLite a single
 * writer — and gives the claimer a lease it must renew; a job whose lease runs out (its worker died) is claimed
 * again. Every write by a worker is guarded by its lease, so a worker that lost a job cannot touch it.
 *
 * Lease and change times come from the database's clock on PostgreSQL (see `databaseNowMs`), so daemons whose
 * clocks disagree still agree on whose lease is live; on SQLite, from the injected clock.
 */
export class JobStore extends JobQueries {
  /** Creation times handed out here strictly increase, so jobs submitted in order list in order. */
  private lastCreatedAt = 0;

  constructor(
    db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly now: () => number = Date.now,
  ) {
    super(db);
  }

  /** "Now" in this store's statements: the database's clock on PostgreSQL. */
  private clock() {
    return databaseNowMs(this.dialect, this.now);
  }

  /**
   * On PostgreSQL, tells the other daemons' idle workers and change feeds that a job was queued or ended, so they
   * need not wait for a poll. A lost announcement costs only that wait.
   */
  private async announce(): Promise<void> {
    if (this.dialect === "postgres") await announceJobs(this.db).catch(() => undefined);
  }

  async insert(options: {
    input: JobInput;
    idempotencyKey?: string;
    webhookUrl?: string;
    maxAttempts: number;
    maxQueued: number;
    /** An estimate for the queue-full hint. */
    retryAfterMs: () => Promise<number>;
    /** How many jobs are queued now; an exact count by default (the service passes a cheaper, bounded one). */
    countQueued?: () => Promise<number>;
  }): Promise<{ row: JobRow; reused: boolean }> {
    const inputHash = hashInput(options.input, options.webhookUrl);
    if (options.idempotencyKey) {
      const existing = await this.byIdempotencyKey(options.idempotencyKey, inputHash);
      if (existing) return { row: existing, reused: true };
    }
    const queued = await (options.countQueued ?? (() => this.countQueued()))();
    if (queued >= options.maxQueued) {
      const retryAfterMs = await options.retryAfterMs();
      throw new QueueFullError(
        `The queue holds ${queued} jobs, its limit; try again in about ${Math.ceil(retryAfterMs / 1000)} s.`,
        retryAfterMs,
      );
    }
    const now = this.now();
    const createdAt = Math.max(now, this.lastCreatedAt + 1);
    this.lastCreatedAt = createdAt;
    const row = queuedRow({
      id: randomUUID(),
      input: options.input,
      inputHash,
      idempotencyKey: options.idempotencyKey,
      webhookUrl: options.webhookUrl,
      maxAttempts: options.maxAttempts,
      now,
      createdAt,
    });
    // A job that names its account is bound to it from the start: only a daemon that runs it claims the job.
    if (options.input.account) row.account = options.input.account;
    try {
      if (this.dialect === "postgres") {
        // Due and changed by the database's clock, which every daemon's claim compares against.
        const clock = this.clock();
        const inserted = await this.db
          .insertInto("jobs")
          .values({ ...row, run_after: clock, updated_at: clock })
          .returningAll()
          .executeTakeFirstOrThrow();
        await this.announce();
        return { row: inserted, reused: false };
      }
      await this.db.insertInto("jobs").values(row).execute();
      return { row, reused: false };
    } catch (error) {
      // Two submissions with one key at the same moment: the loser answers with the winner's job.
      if (options.idempotencyKey && isUniqueViolation(error)) {
        const existing = await this.byIdempotencyKey(options.idempotencyKey, inputHash);
        if (existing) return { row: existing, reused: true };
      }
      throw error;
    }
  }

  private async byIdempotencyKey(key: string, inputHash: string): Promise<JobRow | undefined> {
    const existing = await this.db.selectFrom("jobs").selectAll().where("idempotency_key", "=", key).executeTakeFirst();
    if (!existing) return undefined;
    if (existing.input_hash !== inputHash) {
      throw new ConflictError(
        `The idempotency key ${JSON.stringify(key)} was already used for a different request (job ${existing.id}).`,
        { details: { jobId: existing.id } },
      );
    }
    return existing;
  }

  /**
   * Takes the next runnable job — queued and due, or running with a lease that ran out — and leases it to `owner`.
   * With `id`, takes that job only (direct mode). With `accounts`, only a job bound to none of them or to one of
   * them: a job submitted on (or pinned to) another account stays for a daemon that runs that account.
   */
  async claim(
    owner: string,
    leaseMs: number,
    options: { id?: string; accounts?: readonly string[] } = {},
  ): Promise<JobRow | undefined> {
    const now = this.clock();
    const runnable = (eb: ExpressionBuilder<Database, "jobs">) =>
      eb.or([
        eb.and([eb("status", "=", "queued"), eb("run_after", "<=", now)]),
        eb.and([eb("status", "in", RUNNING_STATUSES), eb("lease_expires_at", "<", now)]),
      ]);
    let candidate = this.db.selectFrom("jobs").select("id").where(runnable);
    if (options.id) candidate = candidate.where("id", "=", options.id);
    const { accounts } = options;
    if (accounts) {
      candidate = candidate.where((eb) =>
        accounts.length > 0
          ? eb.or([eb("account", "is", null), eb("account", "in", accounts)])
          : eb("account", "is", null),
      );
    }
    candidate = candidate.orderBy("priority", "desc").orderBy("created_at", "asc").limit(1);
    if (this.dialect === "postgres") candidate = candidate.forUpdate().skipLocked();
    const row = await this.db
      .updateTable("jobs")
      .set((eb) => ({
        status: "generating",
        lease_owner: owner,
        lease_expires_at: plusMs(now, leaseMs),
        attempts: eb("attempts", "+", 1),
        started_at: eb.fn.coalesce("started_at", now),
        updated_at: now,
      }))
      .where("id", "=", candidate)
      .where(runnable)
      .returningAll()
      .executeTakeFirst();
    return row;
  }

  /** Ends the leases of these owners now, so their running jobs can be claimed at once. Returns how many. */
  async expireLeases(owners: string[]): Promise<number> {
    if (owners.length === 0) return 0;
    const result = await this.db
      .updateTable("jobs")
      .set({ lease_expires_at: 0 })
      .where("lease_owner", "in", owners)
      .where("status", "in", RUNNING_STATUSES)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** An update of the job `owner` holds: it applies to nothing once another worker took the job over. */
  private held(id: string, owner: string) {
    return this.db.updateTable("jobs").where("id", "=", id).where("lease_owner", "=", owner);
  }

  /** Extends the lease; false when the job is no longer this owner's. Reports a cancel request. */
  async renew(id: string, owner: string, leaseMs: number): Promise<{ held: boolean; cancelRequested: boolean }> {
    const row = await this.held(id, owner)
      .set({ lease_expires_at: plusMs(this.clock(), leaseMs) })
      .where("status", "in", RUNNING_STATUSES)
      .returning(["cancel_requested"])
      .executeTakeFirst();
    return { held: row !== undefined, cancelRequested: Number(row?.cancel_requested ?? 0) === 1 };
  }

  /** A worker's write: applies only while the owner still holds the job. Returns whether it did. */
  async update(
    id: string,
    owner: string,
    patch: {
      status?: JobStatus;
      progress?: GenerationProgress | null;
      downloaded?: DownloadedSong[] | null;
      submission?: SubmissionRecord | null;
      /** The input once a step completed it (lyrics written for `lyricsPrompt`). */
      input?: JobInput;
    },
  ): Promise<boolean> {
    const values: UpdateObject<Database, "jobs"> = { updated_at: this.clock() };
    if (patch.submission !== undefined)
      values.submission = patch.submission === null ? null : JSON.stringify(patch.submission);
    if (patch.submission?.account) values.account = patch.submission.account;
    if (patch.status) values.status = patch.status;
    if (patch.input) values.input = JSON.stringify(patch.input);
    if (patch.progress !== undefined) values.progress = patch.progress === null ? null : JSON.stringify(patch.progress);
    if (patch.downloaded !== undefined)
      values.downloaded = patch.downloaded === null ? null : JSON.stringify(patch.downloaded);
    const result = await this.held(id, owner).set(values).where("status", "in", RUNNING_STATUSES).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Ends a job the owner holds: succeeded, failed or cancelled. */
  async finish(
    id: string,
    owner: string,
    status: "succeeded" | "failed" | "cancelled",
    error?: JobError,
  ): Promise<boolean> {
    const now = this.clock();
    const result = await this.held(id, owner)
      .set({
        status,
        lease_owner: null,
        lease_expires_at: null,
        finished_at: now,
        updated_at: now,
        ...(status === "succeeded"
          ? { downloaded: null, error_code: null, error_message: null, error_retryable: null, error_details: null }
          : {}),
        ...(error ? errorColumns(error) : {}),
      })
      .executeTakeFirst();
    const finished = Number(result.numUpdatedRows) > 0;
    if (finished) await this.announce();
    return finished;
  }

  /** Puts a held job back in the queue, to run after `delayMs`; an attempt that spent nothing is given back. */
  async requeue(
    id: string,
    owner: string,
    options: { delayMs: number; error?: JobError; refundAttempt?: boolean },
  ): Promise<boolean> {
    const now = this.clock();
    const result = await this.held(id, owner)
      .set((eb) => ({
        status: "queued",
        lease_owner: null,
        lease_expires_at: null,
        run_after: plusMs(now, options.delayMs),
        updated_at: now,
        progress: null,
        ...(options.refundAttempt ? { attempts: eb("attempts", "-", 1) } : {}),
        ...(options.error ? errorColumns(options.error) : {}),
      }))
      .executeTakeFirst();
    const requeued = Number(result.numUpdatedRows) > 0;
    // Due now (a shutdown or a paused queue gave it back): another daemon may run it at once.
    if (requeued && options.delayMs <= 0) await this.announce();
    return requeued;
  }

  /**
   * Puts an ended job (failed or cancelled) back in the queue for another run, its attempts and error cleared.
   * `clearSubmission` forgets what was submitted, so the next run submits anew (and spends credits); without it
   * the next run resumes the submission. False when the job was not in an ended state to reopen (atomic, so two
   * daemons asked at once reopen it once).
   */
  async reopen(id: string, options: { clearSubmission: boolean }): Promise<boolean> {
    const now = this.clock();
    const result = await this.db
      .updateTable("jobs")
      .set({
        status: "queued",
        attempts: 0,
        run_after: now,
        updated_at: now,
        finished_at: null,
        progress: null,
        cancel_requested: 0,
        lease_owner: null,
        lease_expires_at: null,
        error_code: null,
        error_message: null,
        error_retryable: null,
        error_details: null,
        ...(options.clearSubmission ? { submission: null, downloaded: null } : {}),
      })
      .where("id", "=", id)
      .where("status", "in", ["failed", "cancelled"])
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    // Its end is told to its webhook again.
    await this.db
      .updateTable("jobs")
      .set({ webhook_status: "pending" })
      .where("id", "=", id)
      .where("webhook_url", "is not", null)
      .execute();
    await this.announce();
    return true;
  }

  /** Cancels a queued job at once; asks the worker of a running one to stop. */
  async requestCancel(id: string): Promise<JobRow> {
    const now = this.clock();
    await this.db
      .updateTable("jobs")
      .set({ status: "cancelled", finished_at: now, updated_at: now, lease_owner: null, lease_expires_at: null })
      .where("id", "=", id)
      .where("status", "=", "queued")
      .execute();
    await this.db
      .updateTable("jobs")
      .set({ cancel_requested: 1, updated_at: now })
      .where("id", "=", id)
      .where("status", "in", RUNNING_STATUSES)
      .execute();
    return this.get(id);
  }
}
