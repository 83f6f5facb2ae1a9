import path from "node:path";
import { makeTempDir, removeDir } from "@producer/test-utils";
import { afterEach, beforeEach } from "vitest";
import { openDatabase, type ProducerDatabase } from "./database.js";
import { JobStore } from "./job-store.js";
import { migrateToLatest } from "./migrations.js";

/**
 * For tests: a fresh SQLite file for each test, removed after it. The function returned opens a `JobStore` on
 * its own connection to that file, as another process would have.
 */
export function sqliteJobStores(prefix: string): (now?: () => number) => Promise<JobStore> {
  let dir: string;
  let handles: ProducerDatabase[];
  beforeEach(() => {
    dir = makeTempDir(prefix);
    handles = [];
  });
  afterEach(async () => {
    await Promise.all(handles.map((handle) => handle.close()));
    removeDir(dir);
  });
  return async (now = Date.now) => {
    const handle = openDatabase({ database: { url: `sqlite:${path.join(dir, "queue.db")}`, dialect: "sqlite" } });
    handles.push(handle);
    await migrateToLatest(handle.db, handle.dialect);
    return new JobStore(handle.db, handle.dialect, now);
  };
}
