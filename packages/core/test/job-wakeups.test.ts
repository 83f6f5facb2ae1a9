import path from "node:path";
import { createPostgresSchema, createTeardown, postgresUrl } from "@producer/test-utils";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { ProducerService } from "../src/index.js";
import { createStack } from "./stack.js";

const teardown = createTeardown();
afterEach(() => teardown.run());

/** Far longer than the test waits: a job claimed in time was not found by a poll. */
const POLL_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long until the job leaves the queue (its claim), asked every 50 ms. */
async function msUntilClaimed(service: ProducerService, jobId: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if ((await service.getJob(jobId)).status !== "queued") return Date.now() - started;
    await sleep(50);
  }
  return Number.POSITIVE_INFINITY;
}

describe.skipIf(!postgresUrl)("PostgreSQL: idle workers woken by NOTIFY", () => {
  it("claims a job queued by another service within 2 s while polling every 30 s, also after its listening connection dropped", async () => {
    const schema = await createPostgresSchema(pg.Client, "producer_wakeups");
    teardown.add(schema.drop);
    const stack = await createStack({
      name: "wakeups",
      database: schema.url,
      config: { queue: { pollIntervalMs: POLL_MS } },
    });
    teardown.add(stack.close);
    const submitter = await ProducerService.create({
      config: stack.configWith({
        paths: { dataDir: path.join(stack.dataDir, "submitter") },
        queue: { pollIntervalMs: POLL_MS },
      }),
    });
    teardown.add(() => submitter.close({ graceMs: 0 }));
    // The worker has looked once, found nothing, and sleeps until its next poll.
    await sleep(1500);

    const first = await submitter.generateMusic({ prompt: "woken by a notice" });
    const firstMs = await msUntilClaimed(submitter, first.jobId, 10_000);
    expect(firstMs).toBeLessThan(2000);
    expect((await submitter.waitForJob(first.jobId, { timeoutMs: 60_000 })).status).toBe("succeeded");

    // The listening connection is cut (a database restart, a proxy's idle timeout): it is opened again.
    const { rows } = await schema.admin.query<{ ended: boolean }>(
      "select pg_terminate_backend(pid) as ended from pg_stat_activity where application_name = $1",
      [`producer-job-notices ${schema.name}`],
    );
    expect(rows.map((row) => row.ended)).toEqual([true]);
    await sleep(1500);
    const second = await submitter.generateMusic({ prompt: "woken after a reconnect" });
    const secondMs = await msUntilClaimed(submitter, second.jobId, 10_000);
    expect(secondMs).toBeLessThan(2000);
    expect((await submitter.waitForJob(second.jobId, { timeoutMs: 60_000 })).status).toBe("succeeded");
    expect(stack.site.stats.generations).toBe(2);
  }, 120_000);
});
