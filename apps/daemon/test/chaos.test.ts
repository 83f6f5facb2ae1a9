import { execFile, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { ProducerClient, type Job } from "@producer/core";
import type { RunningSimulator } from "@producer/simulator";
import { createPostgresSchema, postgresUrl, type PostgresSchema, type S3Server } from "@producer/test-utils";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bin, killChromium, processEnvironment, startDaemonProcess } from "./process-harness.js";
import { createSiteStack, type SiteStack } from "./stack.js";
import { stopProcess } from "./stop-process.js";

// Chaos, bounded and on loopback only: each case breaks one real part while jobs run, then checks that every job
// ended as it should, one track row per song, one site submission per job, and no audio lost or left behind. Each
// prints its figures in one line.

const run = promisify(execFile);
let stack: SiteStack;
let site: RunningSimulator;
let s3: S3Server;
let dataDir: string;
let daemon: ChildProcess | undefined;
let env: NodeJS.ProcessEnv;
let client: ProducerClient;
/** What each daemon of the running case wrote, shown when the case fails. */
let daemonLogs: string[][] = [];

async function startDaemon(extra: NodeJS.ProcessEnv = {}): Promise<number> {
  const started = Date.now();
  // A press Chromium died on is looked for in the library this long before it counts as never sent.
  env = processEnvironment(stack, {
    PRODUCER_QUEUE_BACKOFF_BASE_MS: "200",
    PRODUCER_QUEUE_BACKOFF_MAX_MS: "1000",
    PRODUCER_SITE_TIMEOUTS_SONG_START_MS: "4000",
    ...extra,
  });
  const launched = await startDaemonProcess(env);
  daemon = launched.child;
  stack.teardown.add(() => stopProcess(launched.child));
  daemonLogs.push(launched.log);
  client = new ProducerClient({ socketPath: path.join(dataDir, "producer.sock") });
  return Date.now() - started;
}

const queue = async (count: number, label: string): Promise<string[]> => {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1)
    ids.push((await client.generateMusic({ prompt: `${label} ${index}` })).jobId);
  return ids;
};
const waitAll = (ids: string[], timeoutMs = 120_000): Promise<Job[]> =>
  Promise.all(ids.map((id) => client.waitForJob(id, { timeoutMs })));

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Audio files anywhere under the data dir but storage (the downloads of jobs not yet stored). */
function audioLeft(): string[] {
  return fs
    .readdirSync(dataDir, { recursive: true, encoding: "utf8" })
    .filter((file) => /\.(wav|mp3|m4a)$/i.test(file) && !file.startsWith("storage"));
}

/** The invariants every case ends with: each job succeeded with 2 songs, one submission each, nothing left. */
function expectWhole(jobs: Job[], submissionsBefore: number): void {
  expect(jobs.map((job) => `${job.status}${job.error ? ` ${job.error.code}: ${job.error.message}` : ""}`)).toEqual(
    jobs.map(() => "succeeded"),
  );
  expect(jobs.every((job) => job.tracks.length === 2)).toBe(true);
  expect(new Set(jobs.flatMap((job) => job.tracks.map((track) => track.sha256))).size).toBe(jobs.length * 2);
  // Byte-exact: each stored song is what the site served for that clip.
  for (const track of jobs.flatMap((job) => job.tracks))
    expect(track.sha256).toBe(site.servedSha256(track.clipId as string, track.format as "wav"));
  expect(site.stats.generations - submissionsBefore).toBe(jobs.length);
  expect(audioLeft()).toEqual([]);
}

beforeEach(async () => {
  stack = await createSiteStack({ name: "chaos", simulator: { generationMs: 300 } });
  ({ site, s3, dataDir } = stack);
  // A Chromium being launched as the daemon stopped may still be writing its profile.
  const dir = dataDir;
  stack.teardown.add(() => killChromium(dir));
});
afterEach(async (context) => {
  if (context.task.result?.state === "fail") {
    for (const log of daemonLogs)
      console.error(`daemon log of "${context.task.name}":\n${log.join("").split("\n").slice(-80).join("\n")}`);
  }
  daemonLogs = [];
  daemon = undefined;
  await stack.close();
});

describe("chaos", () => {
  it("Chromium killed with SIGKILL mid-job, five times", async () => {
    await startDaemon();
    const before = site.stats.generations;
    // One job at a time, each killed once a little later into its run (opening, composing, pressing Generate,
    // following, downloading), and followed to its end before the next is sent.
    const ids: string[] = [];
    let killed = 0;
    const recoveries: number[] = [];
    for (let index = 0; index < 5; index += 1) {
      const [id] = await queue(1, `chromium-kill ${index}`);
      ids.push(id as string);
      await until(`job ${id} to run`, async () => (await client.getJob(id as string)).status === "generating");
      await new Promise((resolve) => setTimeout(resolve, 100 + index * 150));
      killed += await killChromium(dataDir);
      const killedAt = Date.now();
      await client.waitForJob(id as string, { timeoutMs: 60_000 });
      recoveries.push(Date.now() - killedAt);
    }
    const jobs = await waitAll(ids);
    expectWhole(jobs, before);
    console.log(
      `chaos: chromium kill -9 ×5: ${killed} processes killed; 5/5 jobs succeeded, ${site.stats.generations - before} submissions, ${jobs.reduce((sum, job) => sum + job.attempts, 0)} attempts; each done ${Math.min(...recoveries)}–${Math.max(...recoveries)} ms after its kill`,
    );
    expect(Math.max(...recoveries)).toBeLessThan(60_000);
  }, 180_000);

  it("the daemon killed with SIGKILL with 30 jobs queued and running, then started again", async () => {
    await startDaemon();
    const before = site.stats.generations;
    const ids = await queue(30, "daemon-kill");
    await until("a few jobs to finish", async () =>
      (await Promise.all(ids.slice(0, 3).map((id) => client.getJob(id)))).every((job) => job.status === "succeeded"),
    );
    daemon?.kill("SIGKILL");
    await new Promise((resolve) => daemon?.once("exit", resolve));
    const restartMs = await startDaemon();
    const restarted = Date.now();
    const jobs = await waitAll(ids, 150_000);
    expectWhole(jobs, before);
    console.log(
      `chaos: daemon kill -9 with 30 jobs: ready again in ${restartMs} ms, all 30 succeeded ${Date.now() - restarted} ms after restart, ${site.stats.generations - before} submissions, ${jobs.reduce((sum, job) => sum + job.tracks.length, 0)} track rows`,
    );
  }, 240_000);

  it("the S3 server down for 20 s mid-run", async () => {
    await startDaemon();
    const before = site.stats.generations;
    const ids = await queue(3, "s3-down");
    await until("the first job to download", async () =>
      ["downloading", "uploading"].includes((await client.getJob(ids[0] as string)).status),
    );
    await s3.stop();
    const down = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    await s3.restart();
    const jobs = await waitAll(ids);
    expectWhole(jobs, before);
    console.log(
      `chaos: S3 down 20 s: 3/3 jobs succeeded ${Date.now() - down - 20_000} ms after it came back, ${site.stats.generations - before} submissions, ${jobs.reduce((sum, job) => sum + job.attempts, 0)} attempts`,
    );
  }, 120_000);

  it("the session expiring mid-run, then a new one imported", async () => {
    await startDaemon();
    const before = site.stats.generations;
    const ids = await queue(4, "expiry");
    await client.waitForJob(ids[0] as string, { timeoutMs: 60_000 });
    site.expireSessions();
    await until("the queue to pause", async () => (await client.status()).paused !== null, 60_000);
    const file = path.join(dataDir, "fresh-login.json");
    fs.writeFileSync(file, JSON.stringify(site.issueSession()), { mode: 0o600 });
    const imported = Date.now();
    await run(process.execPath, [bin, "session", "import", file], { env });
    const jobs = await waitAll(ids);
    expectWhole(jobs, before);
    console.log(
      `chaos: session expiry then import: 4/4 jobs succeeded ${Date.now() - imported} ms after the import, ${site.stats.generations - before} submissions`,
    );
  }, 120_000);

  it("300 concurrent submits with idempotency keys, sent twice", async () => {
    site.expireSessions(); // nothing runs: the queue pauses, so only the submits are measured
    await startDaemon();
    const send = () =>
      Promise.all(
        Array.from({ length: 300 }, (_, index) =>
          client.generateMusic({ prompt: `idempotent ${index}`, idempotencyKey: `chaos-${index}` }),
        ),
      );
    let started = Date.now();
    const first = await send();
    const firstMs = Date.now() - started;
    started = Date.now();
    const second = await send();
    const secondMs = Date.now() - started;
    const firstIds = first.map((result) => (result as { jobId: string }).jobId);
    expect(new Set(firstIds).size).toBe(300);
    expect(second.map((result) => (result as { jobId: string }).jobId)).toEqual(firstIds);
    expect(second.every((result) => (result as { reused: boolean }).reused)).toBe(true);
    // The session is expired, so the queue pauses; no job keeps a claim, and none spends an attempt.
    await until("the queue to pause", async () => (await client.status()).paused !== null);
    await until("every job to be queued", async () => (await client.status()).jobsByStatus.queued === 300);
    const attempts: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listJobs({ limit: 100, ...(cursor ? { cursor } : {}) });
      attempts.push(...page.jobs.map((job) => job.attempts));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(attempts).toHaveLength(300);
    expect(attempts.filter((count) => count > 0)).toEqual([]);
    expect(site.stats.generations).toBe(0);
    console.log(`chaos: 300 concurrent keyed submits ×2: 300 jobs, 300 reused; ${firstMs} ms then ${secondMs} ms`);
  }, 120_000);

  it("a download that never fires", async () => {
    await startDaemon({ PRODUCER_SITE_TIMEOUTS_DOWNLOAD_MS: "1500" });
    site.faults.set("download-never");
    const before = site.stats.generations;
    const started = Date.now();
    const jobs = await waitAll(await queue(1, "download-never"));
    expectWhole(jobs, before);
    const via = site.stats.served.slice(-2).map((entry) => entry.via);
    console.log(
      `chaos: download never fires: the job succeeded in ${Date.now() - started} ms, the songs fetched by ${[...new Set(via)].join(", ")}, ${site.stats.generations - before} submission`,
    );
  }, 120_000);

  it("a profile locator that matches nothing", async () => {
    await startDaemon({
      PRODUCER_SITE_LOCATORS: JSON.stringify({ generateButton: { role: "button", name: "Make it so", exact: true } }),
      PRODUCER_SITE_TIMEOUTS_ELEMENT_MS: "3000",
    });
    const before = site.stats.generations;
    const started = Date.now();
    const [job] = await waitAll(await queue(1, "drifted"));
    expect(job?.status).toBe("failed");
    expect(job?.error).toMatchObject({ code: "SITE_CHANGED", retryable: false });
    expect(job?.error?.message).toContain("generateButton");
    const artifacts = (job?.error?.details?.artifacts ?? {}) as { screenshot?: string; html?: string };
    expect(fs.existsSync(artifacts.screenshot ?? "")).toBe(true);
    expect(fs.existsSync(artifacts.html ?? "")).toBe(true);
    expect(site.stats.generations).toBe(before);
    expect(audioLeft()).toEqual([]);
    console.log(
      `chaos: a locator matching nothing: SITE_CHANGED (generateButton) in ${Date.now() - started} ms, ${job?.attempts} attempt, 0 submissions, screenshot and HTML kept`,
    );
  }, 120_000);
});

describe.skipIf(!postgresUrl)("chaos on PostgreSQL", () => {
  let schema: PostgresSchema<pg.Client>;

  beforeEach(async () => {
    schema = await createPostgresSchema(pg.Client, "producer_chaos");
    // Dropped once the test's daemons have stopped.
    stack.teardown.add(schema.drop);
  });

  /** A daemon of its own data dir on the shared database, signed in to the same account. */
  async function startSharedDaemon(
    name: string,
  ): Promise<{ child: ChildProcess; client: ProducerClient; dataDir: string }> {
    const ownDir = stack.teardown.tempDir(`producer-chaos-${name}-`);
    stack.signIn(stack.configWith({ paths: { dataDir: ownDir } }));
    const ownEnv = processEnvironment(
      { ...stack, dataDir: ownDir },
      {
        PRODUCER_DATABASE_URL: schema.url,
        PRODUCER_QUEUE_BACKOFF_BASE_MS: "200",
        // The account's owner is taken over within seconds of its death (the product's default lease is 15 s).
        PRODUCER_ACCOUNT_POOL_OWNER_LEASE_MS: "3000",
        // A job lease shorter than the default 10 s: the victim's job is free again as soon as its account is.
        PRODUCER_QUEUE_LEASE_MS: "6000",
      },
    );
    const launched = await startDaemonProcess(ownEnv);
    daemonLogs.push(launched.log);
    stack.teardown.add(async () => {
      await stopProcess(launched.child);
      await killChromium(ownDir);
    });
    return {
      child: launched.child,
      client: new ProducerClient({ socketPath: path.join(ownDir, "producer.sock") }),
      dataDir: ownDir,
    };
  }

  it("two daemons on one PostgreSQL, one killed with SIGKILL after its submission: the other takes its job over within seconds", async () => {
    site.settings.generationMs = 2500;
    const daemons = await Promise.all([startSharedDaemon("one"), startSharedDaemon("two")]);
    // One of them owns the account and runs its jobs; the other stands by.
    const owns = async (daemon: (typeof daemons)[number]) =>
      (await daemon.client.listAccounts().catch(() => []))[0]?.owner?.self === true;
    await until("one daemon to own the account", async () => (await Promise.all(daemons.map(owns))).some(Boolean));
    const [first, second] = (await owns(daemons[0] as (typeof daemons)[number])) ? daemons : [...daemons].reverse();
    if (!first || !second) throw new Error("two daemons expected");
    const before = site.stats.generations;
    const ids: string[] = [];
    for (let index = 0; index < 2; index += 1)
      ids.push((await first.client.generateMusic({ prompt: `takeover ${index}` })).jobId);
    // The first daemon's running job, once its submission is recorded (its lease names the daemon's pid).
    let victim: string | undefined;
    await until("the first daemon to submit a job", async () => {
      const { rows } = await schema.admin.query<{ id: string }>(
        `select id from ${schema.name}.jobs where lease_owner like $1 and submission like '%"accepted"%' and status not in ('succeeded','failed','cancelled')`,
        [`%:${first.child.pid}:%`],
      );
      victim = rows[0]?.id;
      return victim !== undefined;
    });
    first.child.kill("SIGKILL");
    await new Promise((resolve) => first.child.once("exit", resolve));
    const killedAt = Date.now();
    const jobs = await Promise.all(ids.map((id) => second.client.waitForJob(id, { timeoutMs: 60_000 })));
    const doneAfterMs = Date.now() - killedAt;
    expect(jobs.map((job) => job.status)).toEqual(["succeeded", "succeeded"]);
    expect(doneAfterMs).toBeLessThan(15_000);
    // Resumed from its submission record: no second generation call, and each song stored once, byte-exact.
    expect(site.stats.generations - before).toBe(2);
    expect(Object.values(site.stats.flow.generationCalls).reduce((a, b) => a + b, 0)).toBe(2);
    const tracks = jobs.flatMap((job) => job.tracks);
    expect(tracks).toHaveLength(4);
    expect(new Set(tracks.map((track) => track.clipId)).size).toBe(4);
    for (const track of tracks)
      expect(track.sha256).toBe(site.servedSha256(track.clipId as string, track.format as "wav"));
    const { rows } = await schema.admin.query<{ count: string }>(`select count(*) from ${schema.name}.tracks`);
    expect(Number(rows[0]?.count)).toBe(4);
    const taken = jobs.find((job) => job.id === victim);
    expect(taken?.attempts).toBe(2);
    console.log(
      `chaos: two daemons on PostgreSQL, one killed with SIGKILL after its submission: both jobs done ${doneAfterMs} ms after the kill, ${site.stats.generations - before} submissions, ${tracks.length} songs stored once`,
    );
  }, 120_000);
});
