// `GET /v1/queue` as ended jobs pile up: one daemon's store with no finished jobs and one with many (100,000 by
// default), each with the same few queued, both answering over their Unix socket; calls alternate between the two
// in rounds, and each round gives a ratio of medians.
import { randomUUID } from "node:crypto";
import { spawn } from "node:child_process";
import path from "node:path";
import { loadConfig } from "@producer/config";
import { migrateToLatest, openDatabase } from "@producer/core";
import { ProducerClient } from "@producer/core/client";
import { summary, tempDir } from "../lib.mjs";

const SERVER = path.join(import.meta.dirname, "queue-only-daemon.mjs");
const ENDED = ["succeeded", "succeeded", "succeeded", "failed", "cancelled"];

/** A data dir whose store holds `finished` ended jobs (finished within the last day) and 5 queued ones. */
async function seed(finished) {
  const dataDir = tempDir(`queue-status-${finished}`);
  const { config } = loadConfig({ env: {}, configFile: false, overrides: { paths: { dataDir } } });
  const database = openDatabase(config);
  await migrateToLatest(database.db, database.dialect);
  const now = Date.now();
  const row = (index, status) => {
    const createdAt = now - 86_400_000 + index;
    const ended = status !== "queued";
    return {
      id: randomUUID(),
      status,
      input: JSON.stringify({ prompt: `song ${index}`, instrumental: false, format: "wav", priority: 0 }),
      prompt: `song ${index}`,
      priority: 0,
      input_hash: randomUUID(),
      attempts: ended ? 1 : 0,
      max_attempts: 3,
      run_after: createdAt,
      cancel_requested: 0,
      created_at: createdAt,
      updated_at: ended ? createdAt + 60_000 : createdAt,
      started_at: ended ? createdAt + 1_000 : null,
      finished_at: ended ? createdAt + 60_000 : null,
    };
  };
  for (let start = 0; start < finished; start += 2_000) {
    const batch = [];
    for (let index = start; index < Math.min(finished, start + 2_000); index += 1)
      batch.push(row(index, ENDED[index % ENDED.length]));
    await database.db.transaction().execute(async (transaction) => {
      // SQLite takes at most 32,766 parameters a statement: 14 columns × 500 rows stays under it.
      for (let offset = 0; offset < batch.length; offset += 500)
        await transaction
          .insertInto("jobs")
          .values(batch.slice(offset, offset + 500))
          .execute();
    });
  }
  await database.db
    .insertInto("jobs")
    .values(Array.from({ length: 5 }, (_, index) => row(finished + index, "queued")))
    .execute();
  await database.close();
  return dataDir;
}

async function startQueueOnly(dataDir) {
  const child = spawn(process.execPath, [SERVER, dataDir, "normal"], { stdio: ["ignore", "pipe", "inherit"] });
  const socketPath = await new Promise((resolve, reject) => {
    child.stdout.once("data", (chunk) => resolve(chunk.toString().trim()));
    child.once("exit", (code) => reject(new Error(`queue-only daemon exited with ${code}`)));
  });
  child.removeAllListeners("exit");
  return { child, client: new ProducerClient({ socketPath }) };
}

async function timeCalls(client, count) {
  const times = [];
  for (let index = 0; index < count; index += 1) {
    const started = performance.now();
    await client.status();
    times.push(performance.now() - started);
  }
  return times;
}

export async function queueStatus({ finished, rounds, callsPerRound }) {
  const [emptyDir, fullDir] = [await seed(0), await seed(finished)];
  const empty = await startQueueOnly(emptyDir);
  const full = await startQueueOnly(fullDir);
  try {
    const [emptyStatus, fullStatus] = [await empty.client.status(), await full.client.status()];
    const counted = Object.values(fullStatus.jobsByStatus).reduce((sum, count) => sum + count, 0);
    if (counted !== finished + 5 || emptyStatus.queueDepth !== 5 || fullStatus.queueDepth !== 5)
      throw new Error(`the stores answer other counts than seeded: ${JSON.stringify(fullStatus.jobsByStatus)}`);
    // Warm both (statement caches, the ended counts' first count), then alternate.
    await timeCalls(empty.client, callsPerRound);
    await timeCalls(full.client, callsPerRound);
    const emptyMs = [];
    const fullMs = [];
    const ratios = [];
    for (let round = 0; round < rounds; round += 1) {
      const a = summary(await timeCalls(empty.client, callsPerRound)).median;
      const b = summary(await timeCalls(full.client, callsPerRound)).median;
      emptyMs.push(a);
      fullMs.push(b);
      ratios.push(b / a);
    }
    return { finished, emptyMs: summary(emptyMs), fullMs: summary(fullMs), fullOverEmpty: summary(ratios) };
  } finally {
    for (const { child } of [empty, full]) {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  }
}
