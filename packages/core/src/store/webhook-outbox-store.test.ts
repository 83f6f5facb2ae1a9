import { afterEach, describe, expect, it } from "vitest";
import type { ProducerDatabase } from "./database.js";
import { DIALECTS, freshDatabase } from "./dialects.test-helper.js";
import { JobStore } from "./job-store.js";
import { WebhookOutboxStore } from "./webhook-outbox-store.js";

const input = { prompt: "p", instrumental: false, format: "wav" as const, priority: 0 };

for (const { dialect, skip } of DIALECTS) {
  describe.skipIf(skip)(`the webhook outbox on ${dialect}`, () => {
    let handle: ProducerDatabase | undefined;
    // Real time: on PostgreSQL leases and retry times are the database's clock, not one a test can move.
    const now = Date.now;
    const pass = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    afterEach(async () => {
      await handle?.close();
      handle = undefined;
    });

    async function stores() {
      handle = await freshDatabase(dialect, "outbox");
      return {
        jobs: new JobStore(handle.db, handle.dialect, now),
        outbox: new WebhookOutboxStore(handle.db, handle.dialect, now),
      };
    }

    async function endedJob(jobs: JobStore, webhookUrl: string | undefined, status: "succeeded" | "failed") {
      const { row } = await jobs.insert({
        input,
        ...(webhookUrl ? { webhookUrl } : {}),
        maxAttempts: 3,
        maxQueued: 100,
        retryAfterMs: async () => 0,
      });
      const claimed = await jobs.claim("worker", 10_000, { id: row.id });
      expect(claimed?.id).toBe(row.id);
      expect(await jobs.finish(row.id, "worker", status)).toBe(true);
      return row.id;
    }

    it("makes one row per end of a job with a webhook, once however many sweep", async () => {
      const { jobs, outbox } = await stores();
      const told = await endedJob(jobs, "http://127.0.0.1:1/hook", "succeeded");
      await endedJob(jobs, undefined, "succeeded");
      const failed = await endedJob(jobs, "http://127.0.0.1:1/other", "failed");
      const second = new WebhookOutboxStore(handle!.db, handle!.dialect, now);
      const made = await Promise.all([outbox.sweep(), second.sweep(), outbox.sweep()]);
      expect(made.reduce((sum, count) => sum + count, 0)).toBe(2);
      expect(await outbox.sweep()).toBe(0);
      const [row] = await outbox.forJob(told);
      expect(row).toMatchObject({ event: "job.succeeded", url: "http://127.0.0.1:1/hook", status: "pending" });
      expect(row!.id).toMatch(/^[0-9a-f-]{36}$/);
      expect((await outbox.forJob(failed))[0]?.event).toBe("job.failed");
    });

    it("leases a delivery to one claimer, gives it to another once the lease runs out, and keeps its id", async () => {
      const { jobs, outbox } = await stores();
      await endedJob(jobs, "http://127.0.0.1:1/hook", "succeeded");
      await outbox.sweep();
      const first = await outbox.claim("a", 300);
      expect(first?.attempts).toBe(1);
      expect(await outbox.claim("b", 5_000)).toBeUndefined();
      await pass(350);
      const second = await outbox.claim("b", 5_000);
      expect(second?.id).toBe(first?.id);
      expect(second?.attempts).toBe(2);
      // The first claimer lost it: its writes change nothing.
      await outbox.end(first!, "a", "delivered");
      expect((await outbox.get(first!.id))?.status).toBe("pending");
      await outbox.later(second!, "b", 300, "HTTP 503");
      expect(await outbox.claim("c", 5_000)).toBeUndefined();
      await pass(350);
      const third = await outbox.claim("c", 5_000);
      expect(third).toMatchObject({ id: first?.id, attempts: 3, last_error: "HTTP 503" });
      await outbox.end(third!, "c", "delivered");
      expect(await jobs.get(third!.job_id)).toMatchObject({ webhook_status: "delivered" });
      expect(await outbox.claim("d", 5_000)).toBeUndefined();
    });

    it("hands each due delivery to one of several claimers at once", async () => {
      const { jobs, outbox } = await stores();
      for (let index = 0; index < 6; index += 1) await endedJob(jobs, `http://127.0.0.1:1/hook/${index}`, "succeeded");
      await outbox.sweep();
      const others = [1, 2].map(() => new WebhookOutboxStore(handle!.db, handle!.dialect, now));
      const claimed = await Promise.all(
        [outbox, ...others].flatMap((store, index) => [0, 1, 2, 3].map(() => store.claim(`claimer-${index}`, 10_000))),
      );
      const ids = claimed.filter((row) => row !== undefined).map((row) => row.id);
      expect(ids).toHaveLength(6);
      expect(new Set(ids).size).toBe(6);
    });

    it("tells a job retried after it ended again, with a new delivery id", async () => {
      const { jobs, outbox } = await stores();
      const id = await endedJob(jobs, "http://127.0.0.1:1/hook", "failed");
      await outbox.sweep();
      const first = await outbox.claim("a", 5_000);
      await outbox.end(first!, "a", "failed", "HTTP 500");
      expect((await jobs.get(id)).webhook_status).toBe("failed");
      await pass(5);
      expect(await jobs.reopen(id, { clearSubmission: false })).toBe(true);
      expect(await outbox.sweep()).toBe(0);
      await jobs.claim("worker", 10_000, { id });
      await jobs.finish(id, "worker", "succeeded");
      expect(await outbox.sweep()).toBe(1);
      const rows = await outbox.forJob(id);
      expect(rows.map((row) => [row.event, row.status])).toEqual([
        ["job.failed", "failed"],
        ["job.succeeded", "pending"],
      ]);
      expect(rows[1]?.id).not.toBe(rows[0]?.id);
    });
  });
}
