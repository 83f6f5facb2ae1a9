import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AccountPool } from "@producer/session";
import pg from "pg";
import { createPostgresSchema, createTeardown, postgresUrl } from "@producer/test-utils";
import { ProducerService, type Job } from "../src/index.js";
import { createSiteStack, createStack } from "./stack.js";

const EMAILS = { a: "a@accounts.test", b: "b@accounts.test", c: "c@accounts.test" } as const;
/** One generation: 2 songs at 5 credits. */
const PRICE = 10;

const teardown = createTeardown();
afterEach(() => teardown.run());

/** Three accounts on the simulator, each signed in as its own email, in one Chromium; one job at a time. */
async function createAccountsStack() {
  const stack = await createStack({
    name: "accounts",
    simulator: { startingCredits: 1000 },
    accounts: EMAILS,
    config: { queue: { concurrency: 1 } },
  });
  teardown.add(stack.close);
  return stack;
}

async function finish(service: ProducerService, id: string): Promise<Job> {
  return service.waitForJob(id, { timeoutMs: 120_000 });
}

describe("several accounts in one daemon", () => {
  it("keeps going on the good account when one expires mid-run and one runs out of credits, one submission a job", async () => {
    const h = await createAccountsStack();
    const { site, service, pool } = h;
    // b can pay for exactly one generation.
    site.setCredits(PRICE, EMAILS.b);
    const first = await service.generateMusic({ prompt: "accounts 1" });
    expect((await finish(service, first.jobId)).status).toBe("succeeded");
    // a's login ends on the site while the daemon runs.
    site.expireSessions(EMAILS.a);
    const ids = [];
    for (let index = 2; index <= 6; index += 1)
      ids.push((await service.generateMusic({ prompt: `accounts ${index}` })).jobId);
    const jobs = await Promise.all(ids.map((id) => finish(service, id)));
    expect(jobs.map((job) => job.status)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded", "succeeded"]);

    // One site submission per job, on the account it says; none on a walled or empty account.
    const stats = site.stats;
    expect(stats.generations).toBe(6);
    expect(stats.flow.generationCalls).toEqual({ [EMAILS.a]: 1, [EMAILS.b]: 1, [EMAILS.c]: 4 });
    expect(site.credits(EMAILS.b)).toBe(0);
    // Job and track rows carry the account each job ran on: one job on a, one on b, four on c.
    const ranOn: Record<string, number> = {};
    for (const id of [first.jobId, ...ids]) {
      const job = await service.getJob(id);
      expect(job.tracks).toHaveLength(2);
      expect(job.tracks.map((track) => track.account)).toEqual([job.account, job.account]);
      expect(job.submission?.account).toBe(job.account);
      ranOn[job.account as string] = (ranOn[job.account as string] ?? 0) + 1;
    }
    expect(ranOn).toEqual({ a: 1, b: 1, c: 4 });

    const accounts = Object.fromEntries(pool.accounts().map((account) => [account.name, account]));
    expect(accounts.a?.wall?.code).toBe("SESSION_EXPIRED");
    expect(accounts.a?.generations).toBe(1);
    expect(accounts.b).toMatchObject({ wall: null, credits: 0, generations: 1, creditsSpent: PRICE });
    expect(accounts.c).toMatchObject({
      wall: null,
      generations: 4,
      creditsSpent: 4 * PRICE,
      credits: 1000 - 4 * PRICE,
    });
    // The pool as a whole is usable: c can still take jobs.
    expect((await pool.checkSession({ force: true })).valid).toBe(true);
  });

  it("makes a job pinned to a walled account wait, and runs it there once a new login state is imported", async () => {
    const h = await createAccountsStack();
    const { site, service, pool, config } = h;
    site.expireSessions(EMAILS.a);
    const pinned = await service.generateMusic({ prompt: "pinned to a", account: "a" });
    // It tries a once (the login wall is met before anything is sent), then waits for a.
    const deadline = Date.now() + 30_000;
    let job = await service.getJob(pinned.jobId);
    while (job.error?.code !== "ACCOUNT_WALLED" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = await service.getJob(pinned.jobId);
    }
    expect(job).toMatchObject({ status: "queued", error: { code: "ACCOUNT_WALLED" } });
    expect(job.error?.message).toContain("account a");
    // Unpinned work goes on meanwhile, on the others.
    const other = await service.generateMusic({ prompt: "not pinned" });
    expect((await finish(service, other.jobId)).status).toBe("succeeded");

    await pool.session("a").importLoginState(site.issueSession(EMAILS.a));
    expect(pool.accounts().find((account) => account.name === "a")?.wall).toBeNull();
    const done = await finish(service, pinned.jobId);
    expect(done.status).toBe("succeeded");
    expect(site.stats.flow.generationCalls[EMAILS.a]).toBe(1);
    expect(site.stats.generations).toBe(2);
    expect(fs.statSync(config.accounts[0]?.stateFile as string).mode & 0o777).toBe(0o600);

    // A name that is not an account is refused at once, with the known ones.
    await expect(service.generateMusic({ prompt: "nobody", account: "zz" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("a, b, c"),
    });
  });

  it("opens every account in one Chromium, each in a context of its own", async () => {
    const h = await createAccountsStack();
    const { pool, site, service } = h;
    await pool.start();
    const pids = new Set(pool.sessions.map((session) => session.pool.browserProcessId()));
    expect(pids.size).toBe(1);
    expect([...pids][0]).toBeGreaterThan(0);
    const status = await pool.checkSession({ force: true });
    expect(status.valid).toBe(true);
    const job = await service.generateMusic({ prompt: "one browser", useQueue: false });
    expect(job.status).toBe("succeeded");
    expect(Object.keys(site.stats.flow.generationCalls)).toHaveLength(1);
  });
});

describe.skipIf(!postgresUrl)("PostgreSQL: two daemons sharing two accounts", () => {
  it("never runs an account beyond its concurrency across both daemons, and runs every job once", async () => {
    const schema = await createPostgresSchema(pg.Client, "producer_accounts");
    teardown.add(schema.drop);
    const stack = await createSiteStack({
      name: "accounts-pg",
      simulator: { generationMs: 1200, songDurationSecs: [1, 1.5], startingCredits: 1000 },
      accounts: { a: EMAILS.a, b: EMAILS.b },
      database: schema.url,
      signedIn: false,
    });
    teardown.add(stack.close);
    const { site } = stack;
    const daemons: Array<{ pool: AccountPool; service: ProducerService }> = [];
    for (const name of ["one", "two"]) {
      const config = stack.configWith({
        paths: { dataDir: path.join(stack.dataDir, name) },
        // Both daemons use the same login state files, as on one machine.
        accounts: (["a", "b"] as const).map((account) => ({
          name: account,
          maxConcurrency: 1,
          stateFile: path.join(stack.dataDir, `${account}.json`),
        })),
        queue: { concurrency: 2 },
      });
      stack.signIn(config);
      const pool = new AccountPool({ config });
      teardown.add(() => pool.close());
      const service = await ProducerService.create({ config, generator: pool, startWorker: false });
      teardown.add(() => service.close({ graceMs: 1000 }));
      pool.useSlots(service.accountSlots, config.queue.leaseMs);
      daemons.push({ pool, service });
    }
    const [first, second] = daemons as [(typeof daemons)[0], (typeof daemons)[0]];
    expect(first.service.dialect).toBe("postgres");
    const ids: string[] = [];
    for (let index = 0; index < 6; index += 1)
      ids.push((await first.service.generateMusic({ prompt: `shared account ${index}` })).jobId);
    let peak: Record<string, number> = {};
    const sampler = setInterval(() => {
      void first.service.accountSlots.held().then((held) => {
        for (const [account, count] of Object.entries(held))
          peak = { ...peak, [account]: Math.max(peak[account] ?? 0, count) };
      });
    }, 50);
    for (const { service } of daemons) service.startWorker();
    const jobs = await Promise.all(ids.map((id) => first.service.waitForJob(id, { timeoutMs: 120_000 })));
    clearInterval(sampler);
    expect(jobs.map((job) => job.status)).toEqual(Array(6).fill("succeeded"));
    expect(site.stats.generations).toBe(6);
    // The site's own record: an account's generations never overlap (each takes 1.2 s there, plus the download).
    for (const email of [EMAILS.a, EMAILS.b]) {
      const starts = [
        ...new Set(
          site
            .flowClips()
            .filter((clip) => clip.account === email && clip.opType === "audio__create_song")
            .map((clip) => clip.createdAt),
        ),
      ].sort((x, y) => x - y);
      expect(starts.length).toBeGreaterThan(0);
      for (let index = 1; index < starts.length; index += 1)
        expect((starts[index] as number) - (starts[index - 1] as number)).toBeGreaterThanOrEqual(1200);
    }
    expect(peak).toEqual({ a: 1, b: 1 });
    // Both daemons did work, and with both accounts between them.
    const generations = (pool: AccountPool) => pool.accounts().reduce((sum, account) => sum + account.generations, 0);
    expect(generations(first.pool) + generations(second.pool)).toBe(6);
    expect(generations(first.pool)).toBeGreaterThan(0);
    expect(generations(second.pool)).toBeGreaterThan(0);
    expect(await first.service.accountSlots.held()).toEqual({});
  }, 180_000);
});
