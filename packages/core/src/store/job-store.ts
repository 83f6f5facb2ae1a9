import { createHash, randomUUID } from "node:crypto";
import { sql, type Kysely, type Selectable } from "kysely";
import { ConflictError, NotFoundError, QueueFullError, type GenerationProgress, type SubmissionRecord } from "@producer/utils";
import type { JobInput } from "../generate-input.js";
import { RUNNING_STATUSES, type Job, type JobError, type JobStatus, type Track } from "../job.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import type { Database, Dialect, JobsTable } from "./database.js";

export type JobRow = Selectable<JobsTable>;

/** A song downloaded by an attempt and kept until it is stored, so a retry never generates it again. */
export interface DownloadedSong {
  index: number;
  title: string;
  filePath: string;
  format: string;
  clipId?: string;
  stem?: string;
  parentClipId?: string;
  model?: string;
  seed?: number;
  bpm?: number;
  creditsCharged?: number;
  siteDurationSecs?: number;
}

const iso = (ms: number | string | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

export function hashInput(input: JobInput, webhookUrl: string | undefined): string {
  const canonical = JSON.stringify([
    input.prompt,
    input.title ?? null,
    input.lyrics ?? null,
    input.projectId ?? null,
    input.userId ?? null,
    input.instrumental,
    input.format,
    webhookUrl ?? null,
    // Newer controls join only when set, so keys given to earlier requests still match them.
    ...(["mode", "model", "bpm", "durationSecs", "seed", "stems"] as const)
      .filter((key) => input[key] !== undefined)
      .map((key) => [key, input[key]]),
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

const errorColumns = (error: JobError) => ({
  error_code: error.code,
  error_message: error.message,
  error_retryable: error.retryable ? 1 : 0,
  error_details: error.details && Object.keys(error.details).length > 0 ? JSON.stringify(error.details) : null,
});

const isUniqueViolation = (error: unknown) => {
  const code = (error as { code?: string }).code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
};

export function toJob(row: JobRow, tracks: Track[] = []): Job {
  const submission = row.submission ? (JSON.parse(row.submission) as SubmissionRecord) : null;
  const error: JobError | null = row.error_code
    ? {
        code: row.error_code,
        message: row.error_message ?? "",
        retryable: Number(row.error_retryable) === 1,
        ...(row.error_details ? { details: JSON.parse(row.error_details) as Record<string, unknown> } : {}),
      }
    : null;
  return {
    id: row.id,
    status: row.status as JobStatus,
    input: JSON.parse(row.input) as JobInput,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    progress: row.progress ? (JSON.parse(row.progress) as GenerationProgress) : null,
    error,
    tracks,
    idempotencyKey: row.idempotency_key,
    webhookUrl: row.webhook_url,
    webhookStatus: (row.webhook_status as Job["webhookStatus"]) ?? null,
    createdAt: iso(row.created_at) as string,
    updatedAt: iso(row.updated_at) as string,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    runAfter: iso(row.run_after) as string,
    submission,
    account: row.account ?? null,
    waiting: null,
    ...recoveryOf(row.status as JobStatus, submission, row.error_code),
  };
}

/**
 * A job that failed (or was cancelled) after its submission reached the site — not refused by it, and not failed
 * by the site itself — can get its songs back without paying again.
 */
export function recoveryOf(status: JobStatus, submission: SubmissionRecord | null, errorCode: string | null = null): Pick<Job, "recoverable" | "recovery"> {
  // The site's own word that the generation failed: there are no songs to fetch.
  if ((status !== "failed" && status !== "cancelled") || !submission || submission.state === "refused" || errorCode === "GENERATION_FAILED") {
    return { recoverable: false, recovery: null };
  }
  const charged =
    submission.creditsBefore !== undefined && submission.creditsAfter !== undefined ? Math.max(0, submission.creditsBefore - submission.creditsAfter) : null;
  return {
    recoverable: true,
    recovery: {
      message:
        "The prompt reached the site before this job ended, so its songs may be there, paid for. Retry the job to fetch them by their ids: nothing is submitted again.",
      submittedAt: submission.submittedAt,
      siteJobId: submission.siteJobId ?? null,
      operationIds: submission.opIds ?? [],
      clipIds: submission.clipIds ?? [],
      creditsCharged: charged,
    },
  };
}

/**
 * The durable queue. Claiming is one atomic statement — PostgreSQL `FOR UPDATE SKIP LOCKED`, SQLite a single
 * writer — and gives the claimer a lease it must renew; a job whose lease runs out (its worker died) is claimed
 * again. Every write by a worker is guarded by its lease, so a worker that lost a job cannot touch it.
 */
export class JobStore {
  /** Creation times handed out here strictly increase, so jobs submitted in order list in order. */
  private lastCreatedAt = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly now: () => number = Date.now,
  ) {}

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
    const row: JobRow = {
      id: randomUUID(),
      status: "queued",
      input: JSON.stringify(options.input),
      prompt: options.input.prompt,
      project_id: options.input.projectId ?? null,
      user_id: options.input.userId ?? null,
      priority: options.input.priority,
      idempotency_key: options.idempotencyKey ?? null,
      input_hash: inputHash,
      attempts: 0,
      max_attempts: options.maxAttempts,
      run_after: now,
      lease_owner: null,
      lease_expires_at: null,
      progress: null,
      downloaded: null,
      error_code: null,
      error_message: null,
      error_retryable: null,
      cancel_requested: 0,
      webhook_url: options.webhookUrl ?? null,
      webhook_status: options.webhookUrl ? "pending" : null,
      created_at: createdAt,
      updated_at: now,
      started_at: null,
      finished_at: null,
      submission: null,
      error_details: null,
      account: null,
    };
    try {
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

  async get(id: string): Promise<JobRow> {
    const row = await this.db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError(`No job ${id}.`, { details: { jobId: id } });
    return row;
  }

  /** When each of these jobs last changed (ms since the epoch), in one query per 500 ids. */
  async changeStamps(ids: string[]): Promise<Map<string, number>> {
    const stamps = new Map<string, number>();
    for (let start = 0; start < ids.length; start += 500) {
      const rows = await this.db
        .selectFrom("jobs")
        .select(["id", "updated_at"])
        .where("id", "in", ids.slice(start, start + 500))
        .execute();
      for (const row of rows) stamps.set(row.id, Number(row.updated_at));
    }
    return stamps;
  }

  /** Newest first, a page at a time. */
  async list(options: { status?: JobStatus; limit?: number; cursor?: string }): Promise<{ rows: JobRow[]; nextCursor: string | null }> {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
    let query = this.db.selectFrom("jobs").selectAll();
    if (options.status) query = query.where("status", "=", options.status);
    if (options.cursor) {
      const [createdAtText, id = ""] = decodeCursor("j", options.cursor, /^\d+\|[0-9a-f-]{36}$/);
      const createdAt = Number(createdAtText);
      query = query.where((eb) =>
        eb.or([eb("created_at", "<", createdAt), eb.and([eb("created_at", "=", createdAt), eb("id", "<", id)])]),
      );
    }
    const rows = await query.orderBy("created_at", "desc").orderBy("id", "desc").limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      rows: page,
      nextCursor: rows.length > limit && last ? encodeCursor("j", [Number(last.created_at), last.id]) : null,
    };
  }

  /** The queued jobs in the order they will run: higher priority first, then older first. */
  async upNext(limit: number): Promise<JobRow[]> {
    return this.db
      .selectFrom("jobs")
      .selectAll()
      .where("status", "=", "queued")
      .orderBy("priority", "desc")
      .orderBy("created_at", "asc")
      .limit(Math.min(Math.max(limit, 1), 200))
      .execute();
  }

  async countQueued(): Promise<number> {
    const { count } = await this.db
      .selectFrom("jobs")
      .select((eb) => eb.fn.countAll().as("count"))
      .where("status", "=", "queued")
      .executeTakeFirstOrThrow();
    return Number(count);
  }

  /** Queued jobs by priority. */
  async countQueuedByPriority(): Promise<Map<number, number>> {
    const rows = await this.db
      .selectFrom("jobs")
      .select(["priority", (eb) => eb.fn.countAll().as("count")])
      .where("status", "=", "queued")
      .groupBy("priority")
      .execute();
    return new Map(rows.map((row) => [Number(row.priority), Number(row.count)]));
  }

  async countByStatus(): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom("jobs")
      .select(["status", (eb) => eb.fn.countAll().as("count")])
      .groupBy("status")
      .execute();
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
  }

  /** 1 for the next job to run: queued jobs of higher priority, or equal and older, come first. */
  async position(row: JobRow): Promise<number> {
    const { count } = await this.db
      .selectFrom("jobs")
      .select((eb) => eb.fn.countAll().as("count"))
      .where("status", "=", "queued")
      .where((eb) =>
        eb.or([
          eb("priority", ">", row.priority),
          eb.and([eb("priority", "=", row.priority), eb("created_at", "<", row.created_at)]),
        ]),
      )
      .executeTakeFirstOrThrow();
    return Number(count) + 1;
  }

  /** Mean run time of recent successful jobs, for queue estimates. */
  async averageRunMs(fallbackMs: number): Promise<number> {
    const rows = await this.db
      .selectFrom("jobs")
      .select(["started_at", "finished_at"])
      .where("status", "=", "succeeded")
      .orderBy("finished_at", "desc")
      .limit(20)
      .execute();
    const durations = rows
      .filter((row) => row.started_at !== null && row.finished_at !== null)
      .map((row) => Number(row.finished_at) - Number(row.started_at));
    return durations.length === 0 ? fallbackMs : durations.reduce((a, b) => a + b, 0) / durations.length;
  }

  /**
   * Takes the next runnable job — queued and due, or running with a lease that ran out — and leases it to `owner`.
   * With `id`, takes that job only (direct mode).
   */
  async claim(owner: string, leaseMs: number, options: { id?: string } = {}): Promise<JobRow | undefined> {
    const now = this.now();
    let candidate = this.db
      .selectFrom("jobs")
      .select("id")
      .where((eb) =>
        eb.or([
          eb.and([eb("status", "=", "queued"), eb("run_after", "<=", now)]),
          eb.and([eb("status", "in", RUNNING_STATUSES), eb("lease_expires_at", "<", now)]),
        ]),
      );
    if (options.id) candidate = candidate.where("id", "=", options.id);
    candidate = candidate.orderBy("priority", "desc").orderBy("created_at", "asc").limit(1);
    if (this.dialect === "postgres") candidate = candidate.forUpdate().skipLocked();
    const row = await this.db
      .updateTable("jobs")
      .set((eb) => ({
        status: "generating",
        lease_owner: owner,
        lease_expires_at: now + leaseMs,
        attempts: eb("attempts", "+", 1),
        started_at: eb.fn.coalesce("started_at", sql.lit(now)),
        updated_at: now,
      }))
      .where("id", "=", candidate)
      .where((eb) =>
        eb.or([
          eb.and([eb("status", "=", "queued"), eb("run_after", "<=", now)]),
          eb.and([eb("status", "in", RUNNING_STATUSES), eb("lease_expires_at", "<", now)]),
        ]),
      )
      .returningAll()
      .executeTakeFirst();
    return row;
  }

  /** The lease owners of running jobs whose names start with `prefix` (a host). */
  async runningOwners(prefix: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom("jobs")
      .select("lease_owner")
      .distinct()
      .where("status", "in", RUNNING_STATUSES)
      .where("lease_owner", "like", `${prefix.replace(/[%_\\]/g, "")}%`)
      .execute();
    return rows.map((row) => row.lease_owner).filter((owner): owner is string => owner !== null);
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

  /** Extends the lease; false when the job is no longer this owner's. Reports a cancel request. */
  async renew(id: string, owner: string, leaseMs: number): Promise<{ held: boolean; cancelRequested: boolean }> {
    const now = this.now();
    const row = await this.db
      .updateTable("jobs")
      .set({ lease_expires_at: now + leaseMs })
      .where("id", "=", id)
      .where("lease_owner", "=", owner)
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
    },
  ): Promise<boolean> {
    const values: Partial<JobRow> = { updated_at: this.now() };
    if (patch.submission !== undefined) values.submission = patch.submission === null ? null : JSON.stringify(patch.submission);
    if (patch.submission?.account) values.account = patch.submission.account;
    if (patch.status) values.status = patch.status;
    if (patch.progress !== undefined) values.progress = patch.progress === null ? null : JSON.stringify(patch.progress);
    if (patch.downloaded !== undefined) values.downloaded = patch.downloaded === null ? null : JSON.stringify(patch.downloaded);
    const result = await this.db
      .updateTable("jobs")
      .set(values)
      .where("id", "=", id)
      .where("lease_owner", "=", owner)
      .where("status", "in", RUNNING_STATUSES)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Ends a job the owner holds: succeeded, failed or cancelled. */
  async finish(id: string, owner: string, status: "succeeded" | "failed" | "cancelled", error?: JobError): Promise<boolean> {
    const now = this.now();
    const result = await this.db
      .updateTable("jobs")
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
      .where("id", "=", id)
      .where("lease_owner", "=", owner)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Puts a held job back in the queue, to run after `delayMs`; an attempt that spent nothing is given back. */
  async requeue(id: string, owner: string, options: { delayMs: number; error?: JobError; refundAttempt?: boolean }): Promise<boolean> {
    const now = this.now();
    const result = await this.db
      .updateTable("jobs")
      .set((eb) => ({
        status: "queued",
        lease_owner: null,
        lease_expires_at: null,
        run_after: now + options.delayMs,
        updated_at: now,
        progress: null,
        ...(options.refundAttempt ? { attempts: eb("attempts", "-", 1) } : {}),
        ...(options.error ? errorColumns(options.error) : {}),
      }))
      .where("id", "=", id)
      .where("lease_owner", "=", owner)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Puts an ended job (failed or cancelled) back in the queue for another run, its attempts and error cleared.
   * `clearSubmission` forgets what was submitted, so the next run submits anew (and spends credits); without it
   * the next run resumes the submission. False when the job was not in an ended state to reopen (atomic, so two
   * daemons asked at once reopen it once).
   */
  async reopen(id: string, options: { clearSubmission: boolean }): Promise<boolean> {
    const now = this.now();
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
    await this.db.updateTable("jobs").set({ webhook_status: "pending" }).where("id", "=", id).where("webhook_url", "is not", null).execute();
    return true;
  }

  /** Cancels a queued job at once; asks the worker of a running one to stop. */
  async requestCancel(id: string): Promise<JobRow> {
    const now = this.now();
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

  async setWebhookStatus(id: string, status: "delivered" | "failed"): Promise<void> {
    await this.db.updateTable("jobs").set({ webhook_status: status }).where("id", "=", id).execute();
  }
}
