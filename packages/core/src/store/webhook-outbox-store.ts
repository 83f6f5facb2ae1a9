import { randomUUID } from "node:crypto";
import type { Kysely, Selectable } from "kysely";
import { TERMINAL_STATUSES } from "../job.js";
import type { Database, Dialect, WebhookDeliveriesTable } from "./database.js";
import { databaseNowMs, plusMs } from "./db-clock.js";

export type DeliveryRow = Selectable<WebhookDeliveriesTable>;

/**
 * The webhook outbox: each end of a job with a webhook URL is a row, claimed with a lease like a job (PostgreSQL
 * `FOR UPDATE SKIP LOCKED`), so a delivery survives a crash and is made by whichever daemon claims it next.
 * Every write by a deliverer is guarded by its lease, and lease and retry times come from the database's clock
 * on PostgreSQL (see `databaseNowMs`), so daemons whose clocks disagree still agree on whose lease is live.
 */
export class WebhookOutboxStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Makes the missing rows: ended jobs whose end is still to be told (`webhook_status` pending) and have no
   * delivery for that end. A crash between a job's end and its row is mended here. Returns how many were made.
   */
  async sweep(limit = 100): Promise<number> {
    const jobs = await this.db
      .selectFrom("jobs")
      .select(["id", "status", "webhook_url", "finished_at"])
      .where("webhook_status", "=", "pending")
      .where("finished_at", "is not", null)
      .where("status", "in", TERMINAL_STATUSES)
      .where("webhook_url", "is not", null)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("webhook_deliveries")
              .select("webhook_deliveries.id")
              .whereRef("webhook_deliveries.job_id", "=", "jobs.id")
              .whereRef("webhook_deliveries.job_finished_at", "=", "jobs.finished_at"),
          ),
        ),
      )
      .orderBy("finished_at")
      .limit(limit)
      .execute();
    const now = this.clock();
    let made = 0;
    for (const job of jobs) {
      // Two daemons sweeping at once make the row once: the second insert meets the (job, end) constraint.
      const result = await this.db
        .insertInto("webhook_deliveries")
        .values({
          id: randomUUID(),
          job_id: job.id,
          job_finished_at: Number(job.finished_at),
          event: `job.${job.status}`,
          url: job.webhook_url as string,
          status: "pending",
          attempts: 0,
          next_attempt_at: now,
          created_at: now,
          updated_at: now,
        })
        .onConflict((conflict) => conflict.columns(["job_id", "job_finished_at"]).doNothing())
        .executeTakeFirst();
      made += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
    return made;
  }

  /** "Now" in this store's statements: the database's clock on PostgreSQL. */
  private clock() {
    return databaseNowMs(this.dialect, this.now);
  }

  /** Takes the next due delivery — pending, its time come, not leased or its lease run out — for `leaseMs`. */
  async claim(owner: string, leaseMs: number): Promise<DeliveryRow | undefined> {
    const now = this.clock();
    const due = (query: typeof candidate) =>
      query
        .where("status", "=", "pending")
        .where("next_attempt_at", "<=", now)
        .where((eb) => eb.or([eb("lease_expires_at", "is", null), eb("lease_expires_at", "<", now)]));
    let candidate = this.db.selectFrom("webhook_deliveries").select("id");
    candidate = due(candidate).orderBy("next_attempt_at").limit(1);
    if (this.dialect === "postgres") candidate = candidate.forUpdate().skipLocked();
    return this.db
      .updateTable("webhook_deliveries")
      .set((eb) => ({
        lease_owner: owner,
        lease_expires_at: plusMs(now, leaseMs),
        attempts: eb("attempts", "+", 1),
        updated_at: now,
      }))
      .where("id", "=", candidate)
      .where("status", "=", "pending")
      .where((eb) => eb.or([eb("lease_expires_at", "is", null), eb("lease_expires_at", "<", now)]))
      .returningAll()
      .executeTakeFirst();
  }

  private held(row: DeliveryRow, owner: string) {
    return this.db
      .updateTable("webhook_deliveries")
      .where("id", "=", row.id)
      .where("lease_owner", "=", owner)
      .where("status", "=", "pending");
  }

  /** Tries again after `delayMs`. */
  async later(row: DeliveryRow, owner: string, delayMs: number, error: string): Promise<void> {
    const now = this.clock();
    await this.held(row, owner)
      .set({
        next_attempt_at: plusMs(now, delayMs),
        lease_owner: null,
        lease_expires_at: null,
        last_error: error,
        updated_at: now,
      })
      .execute();
  }

  /** Ends the delivery, delivered or given up, and says so on the job for that end. */
  async end(row: DeliveryRow, owner: string, status: "delivered" | "failed", error?: string): Promise<void> {
    const now = this.clock();
    const result = await this.held(row, owner)
      .set({ status, lease_owner: null, lease_expires_at: null, last_error: error ?? null, updated_at: now })
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return;
    // Only if the job still is at that end: a job retried since has a new end, told by its own row.
    await this.db
      .updateTable("jobs")
      .set({ webhook_status: status })
      .where("id", "=", row.job_id)
      .where("finished_at", "=", row.job_finished_at)
      .execute();
  }

  /** The owners of pending deliveries' leases whose names start with `prefix` (an instance). */
  async leaseOwners(prefix: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom("webhook_deliveries")
      .select("lease_owner")
      .distinct()
      .where("status", "=", "pending")
      .where("lease_owner", "like", `${prefix.replace(/[%_\\]/g, "")}%`)
      .execute();
    return rows.map((row) => row.lease_owner).filter((owner): owner is string => owner !== null);
  }

  /** Ends these owners' leases now (their process is gone), so their deliveries are claimed at once. */
  async releaseLeases(owners: string[]): Promise<number> {
    if (owners.length === 0) return 0;
    const result = await this.db
      .updateTable("webhook_deliveries")
      .set({ lease_owner: null, lease_expires_at: null })
      .where("lease_owner", "in", owners)
      .where("status", "=", "pending")
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async get(id: string): Promise<DeliveryRow | undefined> {
    return this.db.selectFrom("webhook_deliveries").selectAll().where("id", "=", id).executeTakeFirst();
  }

  async forJob(jobId: string): Promise<DeliveryRow[]> {
    return this.db
      .selectFrom("webhook_deliveries")
      .selectAll()
      .where("job_id", "=", jobId)
      .orderBy("created_at")
      .execute();
  }
}
