import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { JobCounts } from "./job-counts.js";
import type { ProducerDatabase } from "./store/database.js";
import { DIALECTS, freshDatabase } from "./store/dialects.test-helper.js";
import { JobStore } from "./store/job-store.js";

const input = { prompt: "p", instrumental: false, format: "wav" as const, priority: 0 };

for (const { dialect, skip } of DIALECTS) {
  describe.skipIf(skip)(`job counts on ${dialect}`, () => {
    let handle: ProducerDatabase | undefined;
    afterEach(async () => {
      await handle?.close();
      handle = undefined;
    });

    it("counts queued and running jobs on every call and ended ones at most once per max age", async () => {
      handle = await freshDatabase(dialect, "counts");
      let clock = 1_000_000;
      const jobs = new JobStore(handle.db, handle.dialect);
      const counts = new JobCounts(jobs, 60_000, () => clock);
      const submit = async () =>
        (await jobs.insert({ input, maxAttempts: 3, maxQueued: 100, retryAfterMs: async () => 0 })).row.id;
      const end = async (status: "succeeded" | "failed") => {
        const id = await submit();
        await jobs.claim("worker", 10_000, { id });
        await jobs.finish(id, "worker", status);
      };
      await end("succeeded");
      await end("failed");
      await submit();
      expect(await counts.byStatus()).toEqual({ succeeded: 1, failed: 1, queued: 1 });

      await end("succeeded");
      const running = await submit();
      await jobs.claim("worker", 10_000, { id: running });
      // Live jobs at once; the ended count is the one taken a moment ago.
      expect(await counts.byStatus()).toEqual({ succeeded: 1, failed: 1, queued: 1, generating: 1 });
      clock += 60_001;
      await counts.byStatus();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await counts.byStatus()).toEqual({ succeeded: 2, failed: 1, queued: 1, generating: 1 });
    });
  });
}

describe("the status queries' plans on SQLite", () => {
  it("read queued and running jobs through an index, never the whole table", async () => {
    const handle = await freshDatabase("sqlite", "plans");
    try {
      const plan = async (query: string) =>
        (await sql<{ detail: string }>`explain query plan ${sql.raw(query)}`.execute(handle.db)).rows
          .map((row) => row.detail)
          .join("; ");
      const active = await plan(
        "select status, count(*) from jobs where status in ('queued','generating','downloading','uploading','recording') group by status",
      );
      expect(active).toMatch(/SEARCH jobs USING COVERING INDEX jobs_(claim|ended)/);
      expect(active).not.toMatch(/SCAN jobs/);
      const newest = await plan(
        "select started_at, finished_at from jobs where status = 'succeeded' order by finished_at desc limit 20",
      );
      expect(newest).toMatch(/SEARCH jobs USING INDEX jobs_ended/);
      expect(newest).not.toMatch(/TEMP B-TREE/);
    } finally {
      await handle.close();
    }
  });
});
