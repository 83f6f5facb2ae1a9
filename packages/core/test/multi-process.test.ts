import path from "node:path";
import type { RunningSimulator } from "@producer/simulator";
import { createPostgresSchema, postgresUrl } from "@producer/test-utils";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ProducerService, type Job } from "../src/index.js";
import { createSiteStack, type SiteStack } from "./stack.js";
import { startWorkerProcess, type WorkerProcess } from "./worker-processes.js";

let stack: SiteStack;
let site: RunningSimulator;
let submitter: ProducerService | undefined;

beforeEach(async () => {
  stack = await createSiteStack({ name: "multi", simulator: { songDurationSecs: [1, 1.5] }, signedIn: false });
  site = stack.site;
});
afterEach(() => stack.close());

/** A process's settings over the stack's site and bucket: the shared database, and a data dir of its own. */
const own = (name: string, databaseUrl: string, queue: Record<string, number> = {}) => ({
  paths: { dataDir: path.join(stack.dataDir, name) },
  database: { url: databaseUrl },
  queue,
});

async function startWorker(
  name: string,
  databaseUrl: string,
  queue: Record<string, number> = {},
): Promise<WorkerProcess> {
  stack.signIn(stack.configWith(own(name, databaseUrl, queue)));
  const worker = await startWorkerProcess(stack.overridesWith(own(name, databaseUrl, queue)));
  stack.teardown.add(worker.stop);
  return worker;
}

async function startSubmitter(databaseUrl: string, queue: Record<string, number> = {}): Promise<ProducerService> {
  const service = await ProducerService.create({ config: stack.configWith(own("submitter", databaseUrl, queue)) });
  stack.teardown.add(() => service.close({ graceMs: 0 }));
  return service;
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("workers in separate processes on one queue", () => {
  it("finishes a job whose worker was killed with SIGKILL mid-job, once the lease runs out", async () => {
    const databaseUrl = `sqlite:${path.join(stack.dataDir, "shared.db")}`;
    const lease = { leaseMs: 2000 };
    const first = await startWorker("first", databaseUrl, lease);
    submitter = await startSubmitter(databaseUrl, lease);
    site.settings.generationMs = 5000;
    site.settings.replyDelayMs = 200;
    const { jobId } = (await submitter.generateMusic({ prompt: "survive a crash" })) as { jobId: string };
    await until(async () => (await submitter!.getJob(jobId)).status === "generating", 20_000);
    await until(async () => site.stats.generations === 1, 20_000);
    await first.kill();
    site.settings.generationMs = 0;
    const killedAt = Date.now();
    await startWorker("second", databaseUrl, lease);
    const job: Job = await submitter.waitForJob(jobId, { timeoutMs: 60_000 });
    expect(job.status).toBe("succeeded");
    expect(job.attempts).toBe(2);
    expect(job.tracks).toHaveLength(2);
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(lease.leaseMs - 500);
    expect(first.seen.some((event) => event.id === jobId && event.status === "succeeded")).toBe(false);
    // The second worker resumed the first one's submission: the site was asked once.
    expect(site.stats.generations).toBe(1);
  }, 120_000);
});

describe.skipIf(!postgresUrl)("PostgreSQL: many daemons on one queue", () => {
  let databaseUrl: string;

  beforeEach(async () => {
    const schema = await createPostgresSchema(pg.Client, "producer_test");
    // Dropped once the test's workers and submitter have stopped, before the site and storage close.
    stack.teardown.add(schema.drop);
    databaseUrl = schema.url;
  });

  it("runs every job exactly once across two worker processes", async () => {
    const [one, two] = await Promise.all([startWorker("one", databaseUrl), startWorker("two", databaseUrl)]);
    submitter = await startSubmitter(databaseUrl);
    expect(submitter.dialect).toBe("postgres");
    const ids: string[] = [];
    for (let index = 0; index < 8; index += 1)
      ids.push(((await submitter.generateMusic({ prompt: `shared ${index}` })) as { jobId: string }).jobId);
    const jobs = await Promise.all(ids.map((id) => submitter!.waitForJob(id, { timeoutMs: 120_000 })));
    expect(jobs.map((job) => job.status)).toEqual(Array(8).fill("succeeded"));
    expect(jobs.map((job) => job.attempts)).toEqual(Array(8).fill(1));
    const prompts = [...site.stats.prompts].sort();
    expect(prompts).toEqual(ids.map((_, index) => `shared ${index}`).sort());
    const ranBy = (worker: WorkerProcess) =>
      new Set(worker.seen.filter((event) => event.status === "generating").map((event) => event.id));
    const overlap = [...ranBy(one)].filter((id) => ranBy(two).has(id));
    expect(overlap).toEqual([]);
    expect(ranBy(one).size + ranBy(two).size).toBe(8);
    const page = await submitter.listTracks({ limit: 100 });
    expect(page.tracks).toHaveLength(16);
  }, 180_000);
});
