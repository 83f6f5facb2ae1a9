import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { Kysely, PostgresDialect, SqliteDialect, type Generated, type SqliteDatabase } from "kysely";
import type { ProducerConfig } from "@producer/config";
import { ProducerError } from "@producer/utils";

export interface JobsTable {
  id: string;
  status: string;
  input: string;
  prompt: string;
  project_id: string | null;
  user_id: string | null;
  priority: number;
  idempotency_key: string | null;
  input_hash: string;
  attempts: number;
  max_attempts: number;
  run_after: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  progress: string | null;
  downloaded: string | null;
  error_code: string | null;
  error_message: string | null;
  error_retryable: number | null;
  cancel_requested: number;
  webhook_url: string | null;
  webhook_status: string | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
  submission: string | null;
  error_details: string | null;
  account: string | null;
}

export interface TracksTable {
  id: string;
  job_id: string;
  song_index: number;
  project_id: string | null;
  user_id: string | null;
  title: string;
  prompt: string;
  format: string;
  codec: string;
  container: string;
  duration_secs: number;
  sample_rate: number;
  channels: number;
  bitrate: number;
  size_bytes: number;
  sha256: string;
  storage_kind: string;
  storage_bucket: string | null;
  storage_key: string;
  storage_url: string;
  clip_id: string | null;
  created_at: number;
  seq: Generated<number>;
  stem: string | null;
  parent_clip_id: string | null;
  model: string | null;
  seed: number | null;
  bpm: number | null;
  credits_charged: number | null;
  site_duration_secs: number | null;
  account: string | null;
  operation: string | null;
  source_track_id: string | null;
  source_clip_id: string | null;
  lyrics: string | null;
  lyrics_id: string | null;
  image_key: string | null;
  image_url: string | null;
  image_error: string | null;
  caption: string | null;
  transcript: string | null;
  describe_error: string | null;
}

export interface AccountSlotsTable {
  holder: string;
  account: string;
  expires_at: number;
}

export interface AccountOwnersTable {
  account: string;
  instance_id: string | null;
  host: string | null;
  since: number | null;
  lease_expires_at: number | null;
  /** The Supabase `session_id` of the login state, to catch one login imported under two names. */
  session_id: string | null;
  /** The login state, sealed (`sealText`). */
  login_state: string | null;
  login_state_at: number | null;
}

/** A webhook delivery to make: one per end of a job with a webhook URL (the outbox). */
export interface WebhookDeliveriesTable {
  /** The delivery id the receiver sees, the same on every attempt. */
  id: string;
  job_id: string;
  job_finished_at: number;
  /** `job.succeeded`, `job.failed` or `job.cancelled`. */
  event: string;
  url: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/** A conversation producer's tool calls opened on the site (`0012_site_conversations`). */
export interface SiteConversationsTable {
  id: string;
  account: string | null;
  job_id: string | null;
  created_at: number;
  deleted_at: number | null;
}

/** A song producer deleted on the site (its track stays). */
export interface SiteDeletedClipsTable {
  clip_id: string;
  account: string | null;
  deleted_at: number;
}

export interface Database {
  jobs: JobsTable;
  site_conversations: SiteConversationsTable;
  site_deleted_clips: SiteDeletedClipsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  tracks: TracksTable;
  account_slots: AccountSlotsTable;
  account_owners: AccountOwnersTable;
}

export type Dialect = "sqlite" | "postgres";

export interface ProducerDatabase {
  db: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
}

const requireOptional = createRequire(import.meta.url);

/** The database driver `name`, or a config error saying how to install it. */
export function loadDriver<T>(name: "better-sqlite3" | "pg", dialect: string): T {
  try {
    return requireOptional(name) as T;
  } catch (error) {
    throw new ProducerError(
      "INVALID_CONFIG",
      `The ${dialect} database needs the "${name}" package: npm install ${name}`,
      { cause: error },
    );
  }
}

/**
 * Opens the job and track store named by `database.url`: a SQLite file (better-sqlite3, WAL, busy timeout, so
 * several processes on one machine can share it) or PostgreSQL (pg), so many daemons can share one queue.
 * Both drivers are optional peer dependencies: only the one in use is loaded.
 */
export function openDatabase(config: {
  database: Pick<ProducerConfig["database"], "url" | "dialect"> &
    Partial<Pick<ProducerConfig["database"], "poolSize" | "sqliteSynchronous">>;
}): ProducerDatabase {
  const { url, dialect } = config.database;
  if (dialect === "postgres") {
    const pg = loadDriver<typeof import("pg")>("pg", "PostgreSQL");
    const pool = new pg.Pool({ connectionString: url, max: config.database.poolSize ?? 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect, close: () => db.destroy() };
  }
  const BetterSqlite3 = loadDriver<typeof import("better-sqlite3")>("better-sqlite3", "SQLite");
  const file = url.replace(/^sqlite:/, "");
  if (file !== ":memory:") {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // The jobs hold prompts and user ids: the file is the owner's alone, made so before SQLite opens it.
    fs.closeSync(fs.openSync(file, "a", 0o600));
    fs.chmodSync(file, 0o600);
  }
  const database = new BetterSqlite3(file);
  database.pragma("journal_mode = WAL");
  if (file !== ":memory:") {
    for (const companion of [`${file}-wal`, `${file}-shm`])
      if (fs.existsSync(companion)) fs.chmodSync(companion, 0o600);
  }
  database.pragma("busy_timeout = 5000");
  database.pragma(`synchronous = ${config.database.sqliteSynchronous === "full" ? "FULL" : "NORMAL"}`);
  database.pragma("foreign_keys = ON");
  // SQLite's own lower() folds ASCII only; searches fold every letter, as PostgreSQL's lower() does.
  database.function("lower", { deterministic: true }, (value: unknown) =>
    typeof value === "string" ? value.toLowerCase() : value,
  );
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  return { db, dialect: "sqlite", close: () => db.destroy() };
}

/** Statements kept prepared, the most recently used first out of reach last. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * better-sqlite3 with its prepared statements kept: the store sends the same few statements over and over, and
 * preparing one costs about as much as running it.
 */
function withStatementCache(database: import("better-sqlite3").Database): SqliteDatabase {
  const cache = new Map<string, import("better-sqlite3").Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql);
      } else {
        statement = database.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}
