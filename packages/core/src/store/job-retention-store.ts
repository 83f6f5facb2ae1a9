import type { Kysely } from "kysely";
import { TERMINAL_STATUSES } from "../job.js";
import type { Database } from "./database.js";

/**
 * Deletes ended jobs that finished before `cutoffMs`, `batchSize` at a time (short transactions, so claims and
 * submits never wait long), with their ended webhook deliveries. A job whose end is still being told stays
 * until its delivery ends. Tracks are never deleted: they outlive their job row. Returns how many jobs went.
 */
export async function deleteEndedJobs(
  db: Kysely<Database>,
  cutoffMs: number,
  options: { batchSize?: number; maxBatches?: number } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  let deleted = 0;
  for (let batch = 0; batch < (options.maxBatches ?? 100); batch += 1) {
    const ids = (
      await db
        .selectFrom("jobs")
        .select("id")
        .where("status", "in", TERMINAL_STATUSES)
        .where("finished_at", "<", cutoffMs)
        .where((eb) => eb.or([eb("webhook_status", "is", null), eb("webhook_status", "<>", "pending")]))
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom("webhook_deliveries")
                .select("webhook_deliveries.id")
                .whereRef("webhook_deliveries.job_id", "=", "jobs.id")
                .where("webhook_deliveries.status", "=", "pending"),
            ),
          ),
        )
        .orderBy("finished_at")
        .limit(batchSize)
        .execute()
    ).map((row) => row.id);
    if (ids.length === 0) break;
    const gone = await db.transaction().execute(async (transaction) => {
      await transaction
        .deleteFrom("webhook_deliveries")
        .where("job_id", "in", ids)
        .where("status", "<>", "pending")
        .execute();
      // Checked again here: a job reopened (retried) since it was picked is no longer ended, and stays.
      const result = await transaction
        .deleteFrom("jobs")
        .where("id", "in", ids)
        .where("status", "in", TERMINAL_STATUSES)
        .where("finished_at", "<", cutoffMs)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    });
    deleted += gone;
    if (ids.length < batchSize) break;
  }
  return deleted;
}
