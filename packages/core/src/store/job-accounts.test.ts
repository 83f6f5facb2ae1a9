import { describe, expect, it } from "vitest";
import type { SubmissionRecord } from "@producer/utils";
import type { JobInput } from "../generate-input.js";
import type { JobStore } from "./job-store.js";
import { sqliteJobStores } from "./job-store.test-helper.js";

const store = sqliteJobStores("job-accounts-");

const input = (prompt: string, account?: string): JobInput => ({
  prompt,
  instrumental: false,
  format: "wav",
  priority: 0,
  ...(account ? { account } : {}),
});
const insert = (jobs: JobStore, prompt: string, account?: string) =>
  jobs.insert({ input: input(prompt, account), maxAttempts: 3, maxQueued: 1000, retryAfterMs: async () => 1000 });
const submitted = (account: string): SubmissionRecord => ({
  state: "accepted",
  submittedAt: new Date().toISOString(),
  prompt: "bound",
  account,
});

describe("jobs bound to their account", () => {
  it("binds a job that names its account at insert, and only a daemon with that account claims it", async () => {
    const jobs = await store();
    const { row } = await insert(jobs, "pinned", "x");
    expect(row.account).toBe("x");
    expect((await jobs.get(row.id)).account).toBe("x");
    expect(await jobs.claim("y-worker", 5000, { accounts: ["y"] })).toBeUndefined();
    expect(await jobs.claim("none-worker", 5000, { accounts: [] })).toBeUndefined();
    expect((await jobs.claim("x-worker", 5000, { accounts: ["y", "x"] }))?.id).toBe(row.id);
  });

  it("lets any daemon claim a job bound to no account yet", async () => {
    const jobs = await store();
    const { row } = await insert(jobs, "free");
    expect(row.account).toBeNull();
    expect((await jobs.claim("none-worker", 5000, { accounts: [] }))?.id).toBe(row.id);
  });

  it("binds a job to the account of its submission, through a lapsed lease, a requeue and a retry", async () => {
    let now = 1_000_000;
    const jobs = await store(() => now);
    const { row } = await insert(jobs, "submitted");
    expect((await jobs.claim("x-worker", 5000, { accounts: ["x"] }))?.id).toBe(row.id);
    expect(await jobs.update(row.id, "x-worker", { submission: submitted("x") })).toBe(true);
    expect((await jobs.get(row.id)).account).toBe("x");

    // Its worker died: the lease lapses, yet a daemon of account y does not take it; one of x does.
    now += 6000;
    expect(await jobs.claim("y-worker", 5000, { accounts: ["y"] })).toBeUndefined();
    expect((await jobs.claim("x-again", 5000, { accounts: ["x"] }))?.id).toBe(row.id);

    // Back in the queue (a shutdown), and ended then retried from its submission: still x's alone.
    expect(await jobs.requeue(row.id, "x-again", { delayMs: 0, refundAttempt: true })).toBe(true);
    expect(await jobs.claim("y-worker", 5000, { accounts: ["y"] })).toBeUndefined();
    expect((await jobs.claim("x-third", 5000, { accounts: ["x"] }))?.id).toBe(row.id);
    expect(await jobs.finish(row.id, "x-third", "failed", { code: "TIMEOUT", message: "slow", retryable: true })).toBe(
      true,
    );
    expect(await jobs.reopen(row.id, { clearSubmission: false })).toBe(true);
    expect(await jobs.claim("y-worker", 5000, { accounts: ["y"] })).toBeUndefined();
    const resumed = await jobs.claim("x-fourth", 5000, { accounts: ["x"] });
    expect(resumed?.id).toBe(row.id);
    expect(JSON.parse(resumed?.submission ?? "{}").account).toBe("x");
  });

  it("claims without an account filter as before (a tool that runs every job)", async () => {
    const jobs = await store();
    const { row } = await insert(jobs, "pinned", "x");
    expect((await jobs.claim("any", 5000))?.id).toBe(row.id);
  });
});
