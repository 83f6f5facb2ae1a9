import fs from "node:fs";
import path from "node:path";
import { BrowserSession } from "@producer/session";
import { createPostgresSchema, postgresUrl } from "@producer/test-utils";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { ProducerService, RUNNING_STATUSES, type Job } from "../src/index.js";
import { createSiteStack } from "./stack.js";
import { startWorkerProcess } from "./worker-processes.js";

const EMAILS = { x: "x@binding.test", y: "y@binding.test" } as const;
const LEASE_MS = 2000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(100);
  }
}

describe.skipIf(!postgresUrl)("PostgreSQL: a job stays with the account it was submitted on", () => {
  it("is never taken by the daemon of another account while its own is dead, and completes once that one is back, generated once", async () => {
    const schema = await createPostgresSchema(pg.Client, "producer_binding");
    const stack = await createSiteStack({
      name: "binding",
      simulator: { songDurationSecs: [1, 1.5], startingCredits: 1000 },
      accounts: EMAILS,
      database: schema.url,
      signedIn: false,
    });
    stack.teardown.add(schema.drop);
    try {
      const { site } = stack;
      /** A one-account daemon's settings: its own data dir (and so its own instance id) on the shared database. */
      const daemon = (account: "x" | "y") =>
        stack.overridesWith({
          paths: { dataDir: path.join(stack.dataDir, account) },
          accounts: [{ name: account }],
          queue: { leaseMs: LEASE_MS },
        });
      for (const account of ["x", "y"] as const) stack.signIn(stack.configWith(daemon(account)));
      const startX = async () => {
        const worker = await startWorkerProcess(daemon("x"));
        stack.teardown.add(worker.stop);
        return worker;
      };
      const submitter = await ProducerService.create({
        config: stack.configWith({ paths: { dataDir: path.join(stack.dataDir, "submitter") } }),
      });
      stack.teardown.add(() => submitter.close({ graceMs: 0 }));

      // X's daemon submits the job on x, then dies (kill -9) while the site generates it.
      const x = await startX();
      site.settings.generationMs = 6000;
      const { jobId } = await submitter.generateMusic({ prompt: "made on x" });
      await until(async () => (await submitter.getJob(jobId)).submission?.account === "x", 30_000);
      await until(async () => site.stats.generations === 1, 30_000);
      await x.kill();
      site.settings.generationMs = 0;

      // Y's daemon runs: it takes other work, but never the job whose songs are in x's library, lease lapsed or not.
      const yConfig = stack.configWith(daemon("y"));
      const session = new BrowserSession({ config: yConfig });
      stack.teardown.add(() => session.close());
      const y = await ProducerService.create({ config: yConfig, generator: session });
      stack.teardown.add(() => y.close({ graceMs: 0 }));
      const other = await submitter.generateMusic({ prompt: "free for anyone" });
      const otherJob = await submitter.waitForJob(other.jobId, { timeoutMs: 60_000 });
      expect(otherJob).toMatchObject({ status: "succeeded", account: "y" });
      await sleep(LEASE_MS + 1500);
      const waiting: Job = await submitter.getJob(jobId);
      expect(RUNNING_STATUSES).toContain(waiting.status);
      expect(waiting).toMatchObject({ attempts: 1, account: "x", error: null });
      expect(site.stats.flow.generationCalls).toEqual({ [EMAILS.x]: 1, [EMAILS.y]: 1 });

      // X's daemon returns on its data dir: the same instance takes the job back and finishes it from its submission.
      const xInstance = fs.readFileSync(path.join(stack.dataDir, "x", "instance-id"), "utf8").trim();
      expect(xInstance).not.toBe(y.instanceId);
      await startX();
      const done = await submitter.waitForJob(jobId, { timeoutMs: 90_000 });
      expect(done).toMatchObject({ status: "succeeded", attempts: 2, account: "x" });
      expect(done.tracks.map((track) => track.account)).toEqual(["x", "x"]);
      expect(site.stats.generations).toBe(2);
      expect(site.stats.flow.generationCalls).toEqual({ [EMAILS.x]: 1, [EMAILS.y]: 1 });
    } finally {
      await stack.close();
    }
  }, 240_000);
});
