import { describe, expect, it } from "vitest";
import type { JobInput } from "./generate-input.js";
import { QueuedCounts } from "./queued-counts.js";
import type { JobStore } from "./store/job-store.js";
import { sqliteJobStores } from "./store/job-store.test-helper.js";

const store = sqliteJobStores("queued-counts-");
const input = (priority = 0): JobInput => ({ prompt: "p", instrumental: false, format: "wav", priority });
const insert = (jobs: JobStore, priority = 0) =>
  jobs.insert({ input: input(priority), maxAttempts: 3, maxQueued: 100_000, retryAfterMs: async () => 0 });

describe("QueuedCounts", () => {
  it("counts at most once per period, keeps its own submits, and catches up with other processes after it", async () => {
    const [mine, other] = [await store(), await store()];
    let now = 0;
    const counts = new QueuedCounts(mine, 250, () => now);
    for (let index = 0; index < 20; index += 1) await insert(mine);
    expect(await counts.total(1000)).toBe(20);
    await insert(mine);
    counts.noteQueued(0);
    for (let index = 0; index < 5; index += 1) await insert(other); // another daemon on the same database
    expect(await counts.total(1000)).toBe(21); // within the period: this process's own view
    expect(await counts.positionOfNew(0)).toBe(21);
    now += 251;
    expect(await counts.total(1000)).toBe(26);
  });

  it("counts exactly near the limit, so the limit holds whatever the estimate", async () => {
    const [mine, other] = [await store(), await store()];
    const counts = new QueuedCounts(mine, 60_000);
    for (let index = 0; index < 10; index += 1) await insert(mine);
    expect(await counts.total(1000)).toBe(10);
    for (let index = 0; index < 5; index += 1) await insert(other);
    expect(await counts.total(1000)).toBe(10); // stale, far from the limit
    expect(await counts.total(11)).toBe(15); // near it: exact
  });

  it("places a new job behind every queued job of its priority or higher", async () => {
    const jobs = await store();
    const counts = new QueuedCounts(jobs);
    await insert(jobs, 5);
    await insert(jobs, 0);
    await insert(jobs, 0);
    await insert(jobs, -3);
    expect(await counts.positionOfNew(0)).toBe(3);
    expect(await counts.positionOfNew(5)).toBe(1);
    expect(await counts.positionOfNew(-3)).toBe(4);
  });
});
