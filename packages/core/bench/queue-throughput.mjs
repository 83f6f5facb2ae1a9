// Queue throughput on SQLite: insert N jobs, then claim and finish them from two connections at once (two
// workers sharing the file). Target: at least 300 claim+finish per second, and every job exactly once.
import path from "node:path";
import { JobStore, migrateToLatest, openDatabase } from "@producer/core";
import { createTempDir } from "@producer/utils";

const JOBS = Number(process.env.BENCH_JOBS ?? 2000);
const TARGET_PER_SEC = 300;
const tempDir = await createTempDir("producer-queue-bench-");
const dir = tempDir.path;
const database = { database: { url: `sqlite:${path.join(dir, "queue.db")}`, dialect: "sqlite" } };
const handles = [openDatabase(database), openDatabase(database)];
await migrateToLatest(handles[0].db, "sqlite");
const stores = handles.map((handle) => new JobStore(handle.db, "sqlite"));
const input = { prompt: "bench", instrumental: false, format: "wav", priority: 0 };

let started = performance.now();
for (let index = 0; index < JOBS; index += 1) {
  await stores[0].insert({ input, maxAttempts: 3, maxQueued: JOBS + 1, retryAfterMs: async () => 0 });
}
const insertPerSec = JOBS / ((performance.now() - started) / 1000);

const done = new Set();
let duplicates = 0;
const worker = async (store, owner) => {
  for (;;) {
    const row = await store.claim(owner, 60_000);
    if (!row) return;
    if (done.has(row.id)) duplicates += 1;
    done.add(row.id);
    await store.finish(row.id, owner, "succeeded");
  }
};
started = performance.now();
await Promise.all([worker(stores[0], "a"), worker(stores[1], "b")]);
const claimPerSec = JOBS / ((performance.now() - started) / 1000);
await Promise.all(handles.map((handle) => handle.close()));
await tempDir.cleanup();

console.log(
  `SQLite queue: ${insertPerSec.toFixed(0)} inserts/s, ${claimPerSec.toFixed(0)} claim+finish/s over ${JOBS} jobs, ${done.size} done, ${duplicates} run twice`,
);
const met = claimPerSec >= TARGET_PER_SEC && done.size === JOBS && duplicates === 0;
console.log(`target: >= ${TARGET_PER_SEC} claim+finish/s, each job once — ${met ? "met" : "MISSED"}`);
process.exitCode = met ? 0 : 1;
