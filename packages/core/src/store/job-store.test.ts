import { describe, expect, it } from "vitest";
import type { JobInput } from "../generate-input.js";
import type { JobStore } from "./job-store.js";
import { sqliteJobStores } from "./job-store.test-helper.js";

const store = sqliteJobStores("job-store-");

const input = (prompt: string, priority = 0): JobInput => ({ prompt, instrumental: false, format: "wav", priority });
const insert = (jobs: JobStore, prompt: string, priority = 0) =>
  jobs.insert({ input: input(prompt, priority), maxAttempts: 3, maxQueued: 1000, retryAfterMs: async () => 1000 });

describe("JobStore on SQLite", () => {
  it("never hands one job to two claimers, from two connections at once", async () => {
    const [a, b] = [await store(), await store()];
    for (let index = 0; index < 30; index += 1) await insert(a, `job ${index}`);
    const claimed: string[] = [];
    const drain = async (jobs: JobStore, owner: string) => {
      for (;;) {
        const row = await jobs.claim(owner, 60_000);
        if (!row) return;
        claimed.push(row.id);
      }
    };
    await Promise.all([drain(a, "a"), drain(b, "b"), drain(a, "c"), drain(b, "d")]);
    expect(claimed).toHaveLength(30);
    expect(new Set(claimed).size).toBe(30);
  });

  it("hands out higher priority first, then the oldest", async () => {
    const jobs = await store();
    const low = await insert(jobs, "low", -5);
    const first = await insert(jobs, "first");
    const second = await insert(jobs, "second");
    const urgent = await insert(jobs, "urgent", 50);
    expect(await jobs.position(urgent.row)).toBe(1);
    expect(await jobs.position(low.row)).toBe(4);
    const order = [];
    for (let row = await jobs.claim("w", 1000); row; row = await jobs.claim("w", 1000)) order.push(row.prompt);
    expect(order).toEqual(["urgent", "first", "second", "low"]);
    expect(first.reused || second.reused).toBe(false);
  });

  it("gives a job whose lease ran out to the next claimer, and ignores the old owner's writes", async () => {
    let now = 1_000_000;
    const jobs = await store(() => now);
    const { row } = await insert(jobs, "orphan");
    expect((await jobs.claim("dead-worker", 5000))?.id).toBe(row.id);
    expect(await jobs.claim("other", 5000)).toBeUndefined();
    now += 6000;
    const reclaimed = await jobs.claim("other", 5000);
    expect(reclaimed?.id).toBe(row.id);
    expect(Number(reclaimed?.attempts)).toBe(2);
    expect(await jobs.update(row.id, "dead-worker", { status: "uploading" })).toBe(false);
    expect(await jobs.finish(row.id, "dead-worker", "succeeded")).toBe(false);
    expect((await jobs.renew(row.id, "dead-worker", 5000)).held).toBe(false);
    expect(await jobs.finish(row.id, "other", "succeeded")).toBe(true);
  });

  it("keeps a requeued job back until its backoff has passed, and can give the attempt back", async () => {
    let now = 5_000_000;
    const jobs = await store(() => now);
    const { row } = await insert(jobs, "backoff");
    await jobs.claim("w", 1000);
    await jobs.requeue(row.id, "w", {
      delayMs: 3000,
      refundAttempt: true,
      error: { code: "STORAGE_FAILED", message: "down", retryable: true },
    });
    expect(await jobs.claim("w", 1000)).toBeUndefined();
    now += 3000;
    const again = await jobs.claim("w", 1000);
    expect(Number(again?.attempts)).toBe(1);
    expect(again?.error_code).toBe("STORAGE_FAILED");
  });
});
