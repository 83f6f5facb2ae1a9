import type { Kysely } from "kysely";
import { NotFoundError } from "@producer/utils";
import { RUNNING_STATUSES, type JobStatus } from "../job.js";
import { decodeCursor, pageOf } from "./cursor.js";
import type { Database } from "./database.js";
import type { JobRow } from "./job-row.js";

/** What can be read of the queue without changing it: jobs, pages, counts, positions and estimates. */
export class JobQueries {
  constructor(protected readonly db: Kysely<Database>) {}

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
  async list(options: {
    status?: JobStatus;
    limit?: number;
    cursor?: string;
  }): Promise<{ rows: JobRow[]; nextCursor: string | null }> {
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
    const rows = await query
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(limit + 1)
      .execute();
    const { page, nextCursor } = pageOf(rows, limit, "j", (last) => [Number(last.created_at), last.id]);
    return { rows: page, nextCursor };
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

  /** Jobs of these statuses, by status: each an index range (`jobs_claim` and `jobs_ended` lead with it). */
  async countByStatus(statuses: readonly JobStatus[]): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom("jobs")
      .select(["status", (eb) => eb.fn.countAll().as("count")])
      .where("status", "in", statuses)
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
}
