import path from "node:path";
import { createPostgresSchema, makeTempDir, postgresUrl, removeDir } from "@producer/test-utils";
import pg from "pg";
import { openDatabase, type Dialect, type ProducerDatabase } from "./database.js";
import { migrateToLatest } from "./migrations.js";

/** Each dialect a store test runs on: SQLite always, PostgreSQL when `PRODUCER_TEST_POSTGRES_URL` is set. */
export const DIALECTS: ReadonlyArray<{ dialect: Dialect; skip: boolean }> = [
  { dialect: "sqlite", skip: false },
  { dialect: "postgres", skip: !postgresUrl },
];

/** A fresh, migrated database of `dialect` (a temp SQLite file, or a schema of its own); `close` removes it. */
export async function freshDatabase(dialect: Dialect, prefix: string): Promise<ProducerDatabase> {
  if (dialect === "postgres") {
    const schema = await createPostgresSchema(pg.Client, prefix.replace(/\W/g, "_"));
    const handle = openDatabase({ database: { url: schema.url, dialect: "postgres", poolSize: 4 } });
    await migrateToLatest(handle.db, handle.dialect);
    return { ...handle, close: () => handle.close().finally(() => schema.drop()) };
  }
  const dir = makeTempDir(prefix);
  const handle = openDatabase({ database: { url: `sqlite:${path.join(dir, "queue.db")}`, dialect: "sqlite" } });
  await migrateToLatest(handle.db, handle.dialect);
  return { ...handle, close: () => handle.close().finally(() => removeDir(dir)) };
}
