import { sql, type Kysely } from "kysely";
import type { Dialect } from "./database.js";

/**
 * `0012_site_conversations`: what producer made on the site beyond its tracks, so `library cleanup` deletes only
 * its own — the conversations its tool calls opened (the user's own are never listed here) — and the songs it
 * deleted there already (their tracks stay: the stored audio is the user's).
 */
export async function createSiteConversations(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const bigint = dialect === "postgres" ? "bigint" : "integer";
  await db.schema
    .createTable("site_conversations")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("account", "text")
    .addColumn("job_id", "text")
    .addColumn("created_at", sql.raw(bigint), (column) => column.notNull())
    .addColumn("deleted_at", sql.raw(bigint))
    .execute();
  await db.schema.createIndex("site_conversations_account").on("site_conversations").columns(["account"]).execute();
  await db.schema
    .createTable("site_deleted_clips")
    .addColumn("clip_id", "text", (column) => column.primaryKey())
    .addColumn("account", "text")
    .addColumn("deleted_at", sql.raw(bigint), (column) => column.notNull())
    .execute();
}
