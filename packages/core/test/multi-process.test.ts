import pg from "pg";
import { loadConfig } from "@producer/config";
import { siteSettingsFor, start, type RunningSimulator } from "@producer/simulator";
import { postgresUrl, startS3Server, type S3Server } from "@producer/test-utils";
import { writeLoginState } from "@producer/session";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ProducerService, type Job } from "../src/index.js";
import { startWorkerProcess, type WorkerProcess } from "./worker-processes.js";

let site: RunningSimulator;
let s3: S3Server;
let root: string;
const workers: WorkerProcess[] = [];
let submitter: ProducerService | undefined;

beforeEach(async () => {
  site = await start({ generationMs: 0, replyDelayMs: 0, statusPollMs: 200, songDurationSecs: [1, 1.5] });
  s3 = await startS3Server({ bucket: "producer-multi" });
  root = fs.mkdtempSync(path.join(os.tmpdir(), "producer-multi-"));
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  await submitter?.close({ graceMs: 0 });
  submitter = undefined;
  await site.close();
  await s3.close();
  fs.rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
});

/** The settings every process shares: one site, one bucket, one database; each its own data dir. */
function overrides(name: string, databaseUrl: string, queue: Record<string, number> = {}) {
  const dataDir = path.join(root, name);
  return {
    site: siteSettingsFor(site),
    browser: { pageCount: 1 },
    paths: { dataDir },
    storage: { driver: "s3" as const, s3: s3.s3Config },
    database: { url: databaseUrl },
    queue: { pollIntervalMs: 100, backoffBaseMs: 200, backoffMaxMs: 1000, ...queue },
  };
}

async function startWorker(name: string, databaseUrl: string, queue: Record<string, number> = {}): Promise<WorkerProcess> {
  const settings = overrides(name, databaseUrl, queue);
  const { config } = loadConfig({ env: {}, configFile: false, overrides: settings });
  writeLoginState(config.paths.stateFile, site.issueSession());
  const worker = await startWorkerProcess(settings);
  workers.push(worker);
  return worker;
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
    const databaseUrl = `sqlite:${path.join(root, "shared.db")}`;
    const lease = { leaseMs: 2000 };
    const first = await startWorker("first", databaseUrl, lease);
    submitter = await ProducerService.create({ config: loadConfig({ env: {}, configFile: false, overrides: overrides("submitter", databaseUrl, lease) }).config });
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
  let schema: string;
  let databaseUrl: string;
  let admin: pg.Client;

  beforeEach(async () => {
    schema = `producer_test_${Date.now()}_${process.pid}`;
    admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    const url = new URL(postgresUrl as string);
    url.searchParams.set("options", `-c search_path=${schema}`);
    databaseUrl = url.toString();
  });
  afterEach(async () => {
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  });

  it("runs every job exactly once across two worker processes", async () => {
    const [one, two] = await Promise.all([startWorker("one", databaseUrl), startWorker("two", databaseUrl)]);
    submitter = await ProducerService.create({ config: loadConfig({ env: {}, configFile: false, overrides: overrides("submitter", databaseUrl) }).config });
    expect(submitter.dialect).toBe("postgres");
    const ids: string[] = [];
    for (let index = 0; index < 8; index += 1) ids.push(((await submitter.generateMusic({ prompt: `shared ${index}` })) as { jobId: string }).jobId);
    const jobs = await Promise.all(ids.map((id) => submitter!.waitForJob(id, { timeoutMs: 120_000 })));
    expect(jobs.map((job) => job.status)).toEqual(Array(8).fill("succeeded"));
    expect(jobs.map((job) => job.attempts)).toEqual(Array(8).fill(1));
    const prompts = [...site.stats.prompts].sort();
    expect(prompts).toEqual(ids.map((_, index) => `shared ${index}`).sort());
    const ranBy = (worker: WorkerProcess) => new Set(worker.seen.filter((event) => event.status === "generating").map((event) => event.id));
    const overlap = [...ranBy(one)].filter((id) => ranBy(two).has(id));
    expect(overlap).toEqual([]);
    expect(ranBy(one).size + ranBy(two).size).toBe(8);
    const page = await submitter.listTracks({ limit: 100 });
    expect(page.tracks).toHaveLength(16);
  }, 180_000);
});
