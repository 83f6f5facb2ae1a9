/**
 * The PostgreSQL URL for tests, from `PRODUCER_TEST_POSTGRES_URL`; undefined when unset, so suites can be
 * reported as skipped by name (`describe.skipIf(!postgresUrl)`).
 */
export const postgresUrl: string | undefined = process.env.PRODUCER_TEST_POSTGRES_URL || undefined;

/** What a schema's owner needs of a PostgreSQL client (node-postgres' `Client` has it). */
export interface SqlClient {
  connect(): Promise<unknown>;
  query(sql: string): Promise<unknown>;
  end(): Promise<unknown>;
}

export interface PostgresSchema<Client extends SqlClient> {
  name: string;
  /** `postgresUrl` with this schema as the search path: every table a service makes lands in it. */
  url: string;
  /** A connection of its own, open until `drop()`, to look at the tables directly. */
  admin: Client;
  /** Drops the schema and everything in it, and closes `admin`. */
  drop(): Promise<void>;
}

/**
 * A fresh schema on the test database, so that suites and runs never see each other's rows. The client class
 * is passed in (`pg.Client`), so these helpers need no database driver of their own.
 */
export async function createPostgresSchema<Client extends SqlClient>(
  ClientClass: new (options: { connectionString: string }) => Client,
  prefix: string,
): Promise<PostgresSchema<Client>> {
  if (!postgresUrl) throw new Error("PRODUCER_TEST_POSTGRES_URL is not set");
  const name = `${prefix}_${Date.now()}_${process.pid}`;
  const admin = new ClientClass({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${name}`);
  const url = new URL(postgresUrl);
  url.searchParams.set("options", `-c search_path=${name}`);
  return {
    name,
    url: url.toString(),
    admin,
    async drop() {
      try {
        await admin.query(`drop schema ${name} cascade`);
      } finally {
        await admin.end();
      }
    },
  };
}
