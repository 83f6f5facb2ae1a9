import { sql, type Kysely } from "kysely";
import type { Dialect } from "./database.js";

/**
 * `0005_webhook_outbox`: webhook deliveries become rows, a track outlives its job row (retention deletes ended
 * jobs, never tracks), and the indexes that keep the status queries and the retention sweep off the whole table.
 */
export async function createWebhookOutbox(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const bigint = dialect === "postgres" ? "bigint" : "integer";
  // One row per end of a job to tell: a job retried after it ended ends again, and that end is told too.
  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("job_id", "text", (column) => column.notNull())
    .addColumn("job_finished_at", sql.raw(bigint), (column) => column.notNull())
    .addColumn("event", "text", (column) => column.notNull())
    .addColumn("url", "text", (column) => column.notNull())
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("attempts", "integer", (column) => column.notNull().defaultTo(0))
    .addColumn("next_attempt_at", sql.raw(bigint), (column) => column.notNull())
    .addColumn("lease_owner", "text")
    .addColumn("lease_expires_at", sql.raw(bigint))
    .addColumn("last_error", "text")
    .addColumn("created_at", sql.raw(bigint), (column) => column.notNull())
    .addColumn("updated_at", sql.raw(bigint), (column) => column.notNull())
    .addUniqueConstraint("webhook_deliveries_job_end", ["job_id", "job_finished_at"])
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_due")
    .on("webhook_deliveries")
    .columns(["status", "next_attempt_at"])
    .execute();
  // Ended jobs by status and age: the newest successes (run estimates), the counts, the retention sweep.
  await db.schema.createIndex("jobs_ended").on("jobs").columns(["status", "finished_at"]).execute();
  // The jobs page lists newest first.
  await db.schema.createIndex("jobs_created").on("jobs").columns(["created_at", "id"]).execute();
  // Only jobs whose end is still to be told: the outbox's sweep reads these, never the delivered ones.
  await db.schema
    .createIndex("jobs_webhook_pending")
    .on("jobs")
    .column("finished_at")
    .where(sql.ref("webhook_status"), "=", "pending")
    .execute();
  await dropTracksJobForeignKey(db, dialect);
}

/** A track stays when its job row is deleted: the foreign key from tracks.job_id to jobs.id goes. */
async function dropTracksJobForeignKey(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === "postgres") {
    const { rows } = await sql<{ name: string }>`
      select conname as name from pg_constraint where conrelid = 'tracks'::regclass and contype = 'f'`.execute(db);
    for (const { name } of rows) await sql`alter table tracks drop constraint ${sql.id(name)}`.execute(db);
    return;
  }
  // SQLite cannot drop a constraint: the table is rebuilt from its own definition, less the reference, with
  // every column later migrations added and every index it had.
  const { rows } = await sql<{ type: string; sql: string }>`
    select type, sql from sqlite_master where tbl_name = 'tracks' and sql is not null`.execute(db);
  const table = rows.find((row) => row.type === "table")?.sql;
  if (!table) throw new Error("The tracks table is missing.");
  const withoutReference = table.replace(/\s+references\s+"?jobs"?\s*\(\s*"?id"?\s*\)/i, "");
  if (withoutReference === table) return;
  const rebuilt = withoutReference.replace(/^create table\s+"?tracks"?/i, 'create table "tracks_rebuilt"');
  await sql.raw(rebuilt).execute(db);
  await sql`insert into tracks_rebuilt select * from tracks`.execute(db);
  await sql`drop table tracks`.execute(db);
  await sql`alter table tracks_rebuilt rename to tracks`.execute(db);
  for (const index of rows.filter((row) => row.type === "index")) await sql.raw(index.sql).execute(db);
}
