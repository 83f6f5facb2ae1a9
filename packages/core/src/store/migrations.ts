import { sql, type Kysely } from "kysely";
import { Migrator, type Migration, type MigrationProvider } from "kysely";
import type { ProducerConfig } from "@producer/config";
import { type Logger, ProducerError } from "@producer/utils";
import { type Database, type Dialect, openDatabase, type ProducerDatabase } from "./database.js";
import { addTrackImages } from "./migration-track-images.js";
import { addTrackDescriptions } from "./migration-track-descriptions.js";
import { createSiteConversations } from "./migration-site-conversations.js";
import { addTrackLyrics } from "./migration-track-lyrics.js";
import { createWebhookOutbox } from "./migration-webhook-outbox.js";

/** Column types that differ between the two dialects. */
interface ColumnTypes {
  dialect: Dialect;
  bigint: string;
  real: string;
}

/** Every migration, in order. Never edit one that has shipped: add the next. */
export function migrations(dialect: Dialect): Record<string, Migration> {
  const types: ColumnTypes = {
    dialect,
    bigint: dialect === "postgres" ? "bigint" : "integer",
    real: dialect === "postgres" ? "double precision" : "real",
  };
  return {
    "0001_jobs_and_tracks": { up: (db) => createJobsAndTracks(db, types) },
    "0002_submissions_and_song_facts": { up: (db) => addSubmissionsAndSongFacts(db, types) },
    "0003_account_slots": { up: (db) => createAccountSlots(db, types) },
    "0004_account_columns": { up: (db) => addAccountColumns(db) },
    "0005_webhook_outbox": { up: (db) => createWebhookOutbox(db, dialect) },
    "0006_account_owners": { up: (db) => createAccountOwners(db, types) },
    "0006b_jobs_account_claim": { up: (db) => indexJobsByAccount(db) },
    "0007_track_lineage": { up: (db) => addTrackLineage(db) },
    "0008_tracks_by_clip": {
      // The library and `import` ask which of the site's songs are already stored.
      up: (db) => db.schema.createIndex("tracks_clip").on("tracks").columns(["clip_id"]).execute(),
    },
    "0009_track_lyrics": { up: (db) => addTrackLyrics(db) },
    "0010_track_images": { up: (db) => addTrackImages(db) },
    "0011_track_descriptions": { up: (db) => addTrackDescriptions(db) },
    "0012_site_conversations": { up: (db) => createSiteConversations(db, dialect) },
  };
}

async function createJobsAndTracks(db: Kysely<unknown>, { dialect, bigint, real }: ColumnTypes): Promise<void> {
  await db.schema
    .createTable("jobs")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("input", "text", (column) => column.notNull())
    .addColumn("prompt", "text", (column) => column.notNull())
    .addColumn("project_id", "text")
    .addColumn("user_id", "text")
    .addColumn("priority", "integer", (column) => column.notNull().defaultTo(0))
    .addColumn("idempotency_key", "text", (column) => column.unique())
    .addColumn("input_hash", "text", (column) => column.notNull())
    .addColumn("attempts", "integer", (column) => column.notNull().defaultTo(0))
    .addColumn("max_attempts", "integer", (column) => column.notNull())
    .addColumn("run_after", sql.raw(bigint), (column) => column.notNull())
    .addColumn("lease_owner", "text")
    .addColumn("lease_expires_at", sql.raw(bigint))
    .addColumn("progress", "text")
    .addColumn("downloaded", "text")
    .addColumn("error_code", "text")
    .addColumn("error_message", "text")
    .addColumn("error_retryable", "integer")
    .addColumn("cancel_requested", "integer", (column) => column.notNull().defaultTo(0))
    .addColumn("webhook_url", "text")
    .addColumn("webhook_status", "text")
    .addColumn("created_at", sql.raw(bigint), (column) => column.notNull())
    .addColumn("updated_at", sql.raw(bigint), (column) => column.notNull())
    .addColumn("started_at", sql.raw(bigint))
    .addColumn("finished_at", sql.raw(bigint))
    .execute();
  await db.schema.createIndex("jobs_claim").on("jobs").columns(["status", "priority", "created_at"]).execute();
  await db.schema.createIndex("jobs_lease").on("jobs").columns(["status", "lease_expires_at"]).execute();
  await db.schema
    .createTable("tracks")
    .addColumn("seq", dialect === "postgres" ? "bigserial" : "integer", (column) =>
      dialect === "postgres" ? column.primaryKey() : column.primaryKey().autoIncrement(),
    )
    .addColumn("id", "text", (column) => column.notNull().unique())
    .addColumn("job_id", "text", (column) => column.notNull().references("jobs.id"))
    .addColumn("song_index", "integer", (column) => column.notNull())
    .addColumn("project_id", "text")
    .addColumn("user_id", "text")
    .addColumn("title", "text", (column) => column.notNull())
    .addColumn("prompt", "text", (column) => column.notNull())
    .addColumn("format", "text", (column) => column.notNull())
    .addColumn("codec", "text", (column) => column.notNull())
    .addColumn("container", "text", (column) => column.notNull())
    .addColumn("duration_secs", sql.raw(real), (column) => column.notNull())
    .addColumn("sample_rate", "integer", (column) => column.notNull())
    .addColumn("channels", "integer", (column) => column.notNull())
    .addColumn("bitrate", "integer", (column) => column.notNull())
    .addColumn("size_bytes", sql.raw(bigint), (column) => column.notNull())
    .addColumn("sha256", "text", (column) => column.notNull())
    .addColumn("storage_kind", "text", (column) => column.notNull())
    .addColumn("storage_bucket", "text")
    .addColumn("storage_key", "text", (column) => column.notNull())
    .addColumn("storage_url", "text", (column) => column.notNull())
    .addColumn("clip_id", "text")
    .addColumn("created_at", sql.raw(bigint), (column) => column.notNull())
    .addUniqueConstraint("tracks_job_song", ["job_id", "song_index"])
    .execute();
  await db.schema.createIndex("tracks_project").on("tracks").columns(["project_id", "seq"]).execute();
  await db.schema.createIndex("tracks_user").on("tracks").columns(["user_id", "seq"]).execute();
}

async function addSubmissionsAndSongFacts(db: Kysely<unknown>, { bigint, real }: ColumnTypes): Promise<void> {
  // What was submitted to the site for a job, so a retry finds those songs instead of paying again.
  await db.schema.alterTable("jobs").addColumn("submission", "text").execute();
  await db.schema.alterTable("jobs").addColumn("error_details", "text").execute();
  for (const [name, type] of [
    ["stem", "text"],
    ["parent_clip_id", "text"],
    ["model", "text"],
    ["seed", bigint],
    ["bpm", "integer"],
    ["credits_charged", real],
    ["site_duration_secs", real],
  ] as const) {
    await db.schema.alterTable("tracks").addColumn(name, sql.raw(type)).execute();
  }
}

async function createAccountSlots(db: Kysely<unknown>, { bigint }: ColumnTypes): Promise<void> {
  // One row per job running on an account, across every daemon on this database.
  await db.schema
    .createTable("account_slots")
    .addColumn("holder", "text", (column) => column.primaryKey())
    .addColumn("account", "text", (column) => column.notNull())
    .addColumn("expires_at", sql.raw(bigint), (column) => column.notNull())
    .execute();
  await db.schema.createIndex("account_slots_account").on("account_slots").columns(["account", "expires_at"]).execute();
}

async function addAccountColumns(db: Kysely<unknown>): Promise<void> {
  // The account a job was submitted on, and so every track of it.
  await db.schema.alterTable("jobs").addColumn("account", "text").execute();
  await db.schema.alterTable("tracks").addColumn("account", "text").execute();
  await db.schema.createIndex("tracks_account").on("tracks").columns(["account", "seq"]).execute();
}

async function createAccountOwners(db: Kysely<unknown>, { bigint }: ColumnTypes): Promise<void> {
  // One row per account of a fleet: the daemon that owns it (a lease on the database's clock) and its login
  // state, sealed with a key only the daemons hold.
  await db.schema
    .createTable("account_owners")
    .addColumn("account", "text", (column) => column.primaryKey())
    .addColumn("instance_id", "text")
    .addColumn("host", "text")
    .addColumn("since", sql.raw(bigint))
    .addColumn("lease_expires_at", sql.raw(bigint))
    .addColumn("session_id", "text")
    .addColumn("login_state", "text")
    .addColumn("login_state_at", sql.raw(bigint))
    .execute();
  await db.schema.createIndex("account_owners_session").on("account_owners").columns(["session_id"]).execute();
}

async function addTrackLineage(db: Kysely<unknown>): Promise<void> {
  // Where a song came from: the operation that made it (null for a new song) and the song it was made from.
  for (const name of ["operation", "source_track_id", "source_clip_id"]) {
    await db.schema.alterTable("tracks").addColumn(name, "text").execute();
  }
}

async function indexJobsByAccount(db: Kysely<unknown>): Promise<void> {
  // A daemon claims only jobs bound to no account or to one it runs: the claim looks them up by account.
  await db.schema
    .createIndex("jobs_account_claim")
    .on("jobs")
    .columns(["account", "status", "priority", "created_at"])
    .execute();
}

/** Brings the schema up to date; safe to call from several processes at once (kysely takes a lock). */
export async function migrateToLatest(db: Kysely<Database>, dialect: Dialect): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  // On PostgreSQL the migration tables live in the schema in use: without naming it, a producer_migrations
  // table in any other schema of the database would count as this one's.
  const schema =
    dialect === "postgres"
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: "producer_migrations",
    migrationLockTableName: "producer_migrations_lock",
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    throw new ProducerError("INTERNAL", `Database migration failed: ${(error as Error).message ?? String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((result) => result.status === "Success").map((result) => result.migrationName);
}

/** Opens the database the configuration names and brings it to the latest migration; closed again on failure. */
export async function openMigratedDatabase(config: ProducerConfig, logger: Logger): Promise<ProducerDatabase> {
  const database = openDatabase(config);
  try {
    const applied = await migrateToLatest(database.db, database.dialect);
    if (applied.length > 0) logger.info({ applied }, "database migrated");
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}
