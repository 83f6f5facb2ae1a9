import { sql, type Kysely } from "kysely";
import type { Client } from "pg";
import type { Logger } from "@producer/utils";
import { type Database, loadDriver } from "./database.js";

/** The PostgreSQL channel on which a job that may be claimable now is announced. */
export const JOBS_CHANNEL = "producer_jobs";

/** How the listening connection is named in `pg_stat_activity` (followed by its schema). */
export const APPLICATION_NAME = "producer-job-notices";

/** Reconnection waits: the first, and the longest it doubles to. */
const RECONNECT_FIRST_MS = 500;
const RECONNECT_MAX_MS = 30_000;
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Tells every daemon on this PostgreSQL database that a job may be claimable now. The payload is the schema, so
 * daemons of another schema in the same database (NOTIFY is per database) let it pass.
 */
export async function announceJobs(db: Kysely<Database>): Promise<void> {
  await sql`select pg_notify(${JOBS_CHANNEL}, current_schema())`.execute(db);
}

/**
 * LISTENs for job announcements on a connection of its own and calls `onNotice` for each one of this schema, so
 * an idle worker claims a job queued by another daemon at once rather than at its next poll. A dropped
 * connection is opened again (waiting longer each time, up to 30 s) and `onNotice` is called once it is back,
 * for whatever was announced meanwhile; polling stays the fallback throughout.
 */
export class JobNotices {
  /** The connection being opened or listening; events of an older one are ignored. */
  private client: Client | undefined;
  private started = false;
  private schema: string | undefined;
  private closed = false;
  private retryMs = RECONNECT_FIRST_MS;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: { url: string; logger: Logger; onNotice: () => void }) {}

  /** Starts listening; resolves once the first connection listens, or failed (it is retried then). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.connect(false);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    // Ending the connection also ends an attempt still connecting, which a database out of reach could hold up.
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(again: boolean): Promise<void> {
    const pg = loadDriver<typeof import("pg")>("pg", "PostgreSQL");
    const client = new pg.Client({
      connectionString: this.options.url,
      application_name: APPLICATION_NAME,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    this.client = client;
    // Without a listener an error of an idle connection would end the process.
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client));
    try {
      await client.connect();
      const { rows } = await client.query<{ schema: string }>("select current_schema() as schema");
      this.schema = rows[0]?.schema;
      // Named with its schema, so an operator (or a test) tells the listeners of several schemas apart.
      await client.query("select set_config('application_name', $1, false)", [`${APPLICATION_NAME} ${this.schema}`]);
      await client.query(`listen ${JOBS_CHANNEL}`);
    } catch (error) {
      this.lost(client, error as Error);
      await client.end().catch(() => undefined);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    client.on("notification", (message) => {
      if (message.channel === JOBS_CHANNEL && message.payload === this.schema) this.options.onNotice();
    });
    this.retryMs = RECONNECT_FIRST_MS;
    if (again) {
      this.options.logger.info("listening for queued jobs again");
      this.options.onNotice();
    }
  }

  private lost(client: Client, error?: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    if (this.closed || this.retryTimer) return;
    this.options.logger.warn(
      { error: error?.message, retryMs: this.retryMs },
      "the connection listening for queued jobs dropped; polling until it is back",
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect(true);
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS);
  }
}
