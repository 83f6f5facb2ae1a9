import { silentLogger } from "@producer/utils";
import { afterEach, describe, expect, it } from "vitest";
import { JobRetention } from "./job-retention.js";
import type { ProducerDatabase } from "./store/database.js";
import { freshDatabase } from "./store/dialects.test-helper.js";
import { JobStore } from "./store/job-store.js";

const DAY_MS = 86_400_000;
let handle: ProducerDatabase | undefined;
afterEach(async () => {
  await handle?.close();
  handle = undefined;
});

describe("JobRetention", () => {
  it("deletes ended jobs past queue.retentionDays at start, and each interval after", async () => {
    handle = await freshDatabase("sqlite", "retention-timer");
    let clock = Date.now();
    const jobs = new JobStore(handle.db, handle.dialect, () => clock);
    const ended = async () => {
      const { row } = await jobs.insert({
        input: { prompt: "p", instrumental: false, format: "wav", priority: 0 },
        maxAttempts: 3,
        maxQueued: 10,
        retryAfterMs: async () => 0,
      });
      await jobs.claim("worker", 10_000, { id: row.id });
      await jobs.finish(row.id, "worker", "succeeded");
      return row.id;
    };
    await ended();
    clock += 5 * DAY_MS;
    const younger = await ended();
    clock += 2 * DAY_MS + 1;
    const retention = new JobRetention(handle.db, 7, silentLogger, 100, () => clock);
    const left = async () => (await handle!.db.selectFrom("jobs").select("id").execute()).map((row) => row.id);
    retention.start();
    try {
      await expect.poll(left, { timeout: 5_000 }).toEqual([younger]);
      clock += 5 * DAY_MS;
      await expect.poll(left, { timeout: 5_000 }).toEqual([]);
    } finally {
      await retention.close();
    }
  });
});
