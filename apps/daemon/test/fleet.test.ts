import { execFile, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import fs from "node:fs";
import path from "node:path";
import { ProducerClient, type Job } from "@producer/core";
import { writeLoginState } from "@producer/session";
import { createPostgresSchema, postgresUrl, type PostgresSchema } from "@producer/test-utils";
import type { AccountReport } from "@producer/utils";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bin, processEnvironment, startDaemonProcess } from "./process-harness.js";
import { createSiteStack, type SiteStack } from "./stack.js";
import { stopProcess } from "./stop-process.js";

// A fleet: daemons of their own data dirs on one PostgreSQL and one S3 server, configured for the same account.
// Only the account's owner opens it; the login state lives in the database, sealed; another daemon takes the account
// over when its owner dies. Each case prints its figures in one line.

/** Short enough that a takeover is seen within seconds; the product's default is 15 s. */
const OWNER_LEASE_MS = 3000;

let stack: SiteStack;
let schema: PostgresSchema<pg.Client>;
let daemonLogs: string[][] = [];
const run = promisify(execFile);

interface FleetDaemon {
  name: string;
  env: NodeJS.ProcessEnv;
  child: ChildProcess;
  client: ProducerClient;
  dataDir: string;
}

/** A daemon of its own data dir on the shared database; `login` is written as its account's login state first. */
async function startFleetDaemon(
  name: string,
  login?: unknown,
  extra: NodeJS.ProcessEnv = {},
  dataDir = stack.teardown.tempDir(`producer-fleet-${name}-`),
): Promise<FleetDaemon> {
  if (login) writeLoginState(path.join(dataDir, "state.json"), login as never);
  else stack.signIn(stack.configWith({ paths: { dataDir } }));
  const env = processEnvironment(
    { ...stack, dataDir },
    {
      PRODUCER_DATABASE_URL: schema.url,
      PRODUCER_ACCOUNT_POOL_OWNER_LEASE_MS: String(OWNER_LEASE_MS),
      PRODUCER_QUEUE_LEASE_MS: "3000",
      ...extra,
    },
  );
  const launched = await startDaemonProcess(env);
  daemonLogs.push(launched.log);
  stack.teardown.add(() => stopProcess(launched.child));
  return {
    name,
    env,
    child: launched.child,
    client: new ProducerClient({ socketPath: path.join(dataDir, "producer.sock") }),
    dataDir,
  };
}

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check().catch(() => undefined);
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const account = async (daemon: FleetDaemon): Promise<AccountReport> =>
  (await daemon.client.listAccounts())[0] as AccountReport;

/** Each job succeeded with distinct songs, each byte for byte what the site served for its clip. */
function expectStored(jobs: Job[]): void {
  expect(jobs.map((job) => `${job.status}${job.error ? ` ${job.error.code}: ${job.error.message}` : ""}`)).toEqual(
    jobs.map(() => "succeeded"),
  );
  const tracks = jobs.flatMap((job) => job.tracks);
  expect(tracks.length).toBeGreaterThan(0);
  expect(new Set(tracks.map((track) => track.sha256)).size).toBe(tracks.length);
  for (const track of tracks)
    expect(track.sha256).toBe(stack.site.servedSha256(track.clipId as string, track.format as "wav"));
}

describe.skipIf(!postgresUrl)("a fleet on one PostgreSQL", () => {
  beforeEach(async () => {
    stack = await createSiteStack({ name: "fleet", simulator: { generationMs: 1500 } });
    schema = await createPostgresSchema(pg.Client, "producer_fleet");
    stack.teardown.add(schema.drop);
  });
  afterEach(async (context) => {
    if (context.task.result?.state === "fail") {
      for (const log of daemonLogs)
        console.error(`daemon log of "${context.task.name}":\n${log.join("").split("\n").slice(-60).join("\n")}`);
    }
    daemonLogs = [];
    await stack.close();
  });

  it("refuses to start on PostgreSQL without a key to seal its logins, naming the setting", async () => {
    const dataDir = stack.teardown.tempDir("producer-fleet-nokey-");
    stack.signIn(stack.configWith({ paths: { dataDir } }));
    const env = processEnvironment({ ...stack, dataDir }, { PRODUCER_DATABASE_URL: schema.url });
    delete env.PRODUCER_ACCOUNT_POOL_STATE_KEY;
    const failure = await run(process.execPath, [bin, "daemon"], { env }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain("accountPool.stateKey (PRODUCER_ACCOUNT_POOL_STATE_KEY)");
    expect(failure?.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it("one owner per account: the other daemon stands by, says who owns it, and opens nothing", async () => {
    const first = await startFleetDaemon("one");
    const second = await startFleetDaemon("two");
    const owned = await until("the first daemon to own the account", async () => {
      const report = await account(first);
      return report.owner?.self ? report : undefined;
    });
    const standby = await account(second);
    expect(standby.owner).toMatchObject({ instance: owned.owner?.instance, self: false });
    expect(standby.notOwnedReason).toMatch(new RegExp(`owned by ${owned.owner?.instance} on `));
    // The CLI says it too, and doctor names the owner.
    const accountsOut = (await run(process.execPath, [bin, "accounts"], { env: second.env })).stdout;
    expect(accountsOut).toContain(`owned by ${owned.owner?.instance} on `);
    const doctorOut = (await run(process.execPath, [bin, "doctor"], { env: second.env }).catch((error) => error))
      .stdout as string;
    expect(doctorOut).toMatch(
      new RegExp(`✓ fleet: login-state key and account owners: default owned by ${owned.owner?.instance}`),
    );
    // The standby is ready: it queues jobs, which the owner runs.
    const ready = await second.client.session();
    expect(ready.valid).toBe(true);
    const before = stack.site.stats.generations;
    const { jobId } = await second.client.generateMusic({ prompt: "queued on the standby" });
    const job = await second.client.waitForJob(jobId, { timeoutMs: 60_000 });
    expectStored([job]);
    expect(job.account).toBe("default");
    expect(stack.site.stats.generations - before).toBe(1);
    // The login lives in the database, sealed: no token of it in the clear.
    const { rows } = await schema.admin.query<{ login_state: string; instance_id: string }>(
      `select login_state, instance_id from ${schema.name}.account_owners where account = 'default'`,
    );
    expect(rows[0]?.instance_id).toBe(owned.owner?.instance);
    expect(rows[0]?.login_state).toMatch(/^v1:/);
    const saved = fs.readFileSync(path.join(first.dataDir, "state.json"), "utf8");
    const token = /"value":\s*"([^"]{20,})"/.exec(saved)?.[1] as string;
    expect(rows[0]?.login_state).not.toContain(token.slice(0, 20));
    console.log(`fleet: one owner (${owned.owner?.instance}), the standby ready and queuing; 1 job, 1 submission`);
  }, 120_000);

  it("the owner killed with SIGKILL 2 s after a submission: the other daemon takes the account over and finishes the job, paying once", async () => {
    stack.site.settings.generationMs = 4000;
    const first = await startFleetDaemon("one");
    await until("the first daemon to own the account", async () => (await account(first)).owner?.self);
    const second = await startFleetDaemon("two");
    const before = stack.site.stats.generations;
    const { jobId } = await second.client.generateMusic({ prompt: "paid before the owner died" });
    await until("the job to be submitted", async () => {
      const { rows } = await schema.admin.query<{ submission: string | null }>(
        `select submission from ${schema.name}.jobs where id = $1`,
        [jobId],
      );
      return rows[0]?.submission?.includes('"accepted"');
    });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    first.child.kill("SIGKILL");
    await new Promise((resolve) => first.child.once("exit", resolve));
    const killedAt = Date.now();
    await until(
      "the second daemon to own the account",
      async () => (await account(second)).owner?.self,
      OWNER_LEASE_MS + 15_000,
    );
    const tookOverMs = Date.now() - killedAt;
    const job = await second.client.waitForJob(jobId, { timeoutMs: 60_000 });
    expectStored([job]);
    expect(stack.site.stats.generations - before).toBe(1);
    expect(stack.site.stats.flow.revokedSessions).toBe(0);
    // Within 15 s of the lease lapsing.
    expect(tookOverMs).toBeLessThan(OWNER_LEASE_MS + 15_000);
    console.log(
      `fleet: owner kill -9 2 s after a submission: taken over ${tookOverMs} ms after the kill (lease ${OWNER_LEASE_MS} ms), the job ${job.status} with ${stack.site.stats.generations - before} submission in all, 0 sessions revoked`,
    );
  }, 150_000);

  it("the same login imported on two daemons, its access token living 15 s: nobody refreshes it twice, nothing is revoked", async () => {
    stack.site.settings.accessTokenTtlSecs = 15;
    const login = stack.site.issueSession();
    const begun = Date.now();
    const first = await startFleetDaemon("one", login);
    await until("the first daemon to own the account", async () => (await account(first)).owner?.self);
    const grantedBefore = stack.site.stats.flow.refreshes.granted;
    // The page refreshes the token while idle: the one both daemons were given is spent before the second starts.
    await until(
      "the page to refresh the login",
      async () => stack.site.stats.flow.refreshes.granted > grantedBefore,
      40_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    const second = await startFleetDaemon("two", login);
    const before = stack.site.stats.generations;
    const ids: string[] = [];
    const started = Date.now();
    // Three minutes of jobs through both daemons, with idle times between them longer than the token's life.
    for (let round = 0; Date.now() - begun < 180_000; round += 1) {
      for (const daemon of [first, second])
        ids.push((await daemon.client.generateMusic({ prompt: `shared login ${round} via ${daemon.name}` })).jobId);
      await new Promise((resolve) => setTimeout(resolve, round % 2 === 1 ? 20_000 : 4000));
    }
    const jobs = await Promise.all(ids.map((id) => second.client.waitForJob(id, { timeoutMs: 90_000 })));
    expectStored(jobs);
    expect(stack.site.stats.generations - before).toBe(ids.length);
    expect(stack.site.stats.flow.revokedSessions).toBe(0);
    const standby = await account(second);
    expect(standby.owner?.self).toBe(false);
    console.log(
      `fleet: one login on two daemons, tokens living 15 s: ${jobs.length}/${ids.length} jobs succeeded, ${Math.round((Date.now() - begun) / 1000)} s in all (jobs over ${Math.round((Date.now() - started) / 1000)} s), ${stack.site.stats.flow.refreshes.granted - grantedBefore} refreshes granted, ${stack.site.stats.flow.refreshes.refused} refused, 0 sessions revoked; the second daemon never opened the account`,
    );
  }, 360_000);

  it("the same login under two names is refused, and its import is warned about", async () => {
    const login = stack.site.issueSession();
    const first = await startFleetDaemon("one", login);
    await until("the first daemon to own the account", async () => (await account(first)).owner?.self);
    const dir = stack.teardown.tempDir("producer-fleet-two-");
    writeLoginState(path.join(dir, "accounts", "spare.json"), login as never);
    const second = await startFleetDaemon("two", undefined, { PRODUCER_ACCOUNTS: '[{"name":"spare"}]' }, dir);
    const refused = await until("the second daemon to refuse it", async () => {
      const report = await account(second);
      return report.notOwnedReason?.includes("same login") ? report : undefined;
    });
    expect(refused.name).toBe("spare");
    expect(refused.notOwnedReason).toMatch(/same login as account default, owned by /);
    // The import of that login on this daemon says so, before anyone is signed out.
    const file = path.join(dir, "copied-login.json");
    fs.writeFileSync(file, JSON.stringify(login), { mode: 0o600 });
    const { stdout } = await run(process.execPath, [bin, "session", "import", file, "--account", "spare"], {
      env: second.env,
    });
    expect(stdout).toMatch(/This login is already in use: account default holds it, owned by /);
    // Nothing ran on it; nothing was revoked.
    expect(stack.site.stats.flow.revokedSessions).toBe(0);
    console.log(
      `fleet: one login under two names: refused (${refused.notOwnedReason?.slice(0, 60)}…), the import warned`,
    );
  }, 120_000);

  it("a job bound to an account whose daemon died waits with its reason on the other daemon, and runs once that account's daemon is back", async () => {
    const accounts = (name: string) => ({ PRODUCER_ACCOUNTS: JSON.stringify([{ name }]) });
    const xDir = stack.teardown.tempDir("producer-fleet-x-");
    writeLoginState(path.join(xDir, "accounts", "x.json"), stack.site.issueSession("x@example.test") as never);
    const yDir = stack.teardown.tempDir("producer-fleet-y-");
    writeLoginState(path.join(yDir, "accounts", "y.json"), stack.site.issueSession("y@example.test") as never);
    let x = await startFleetDaemon("x", undefined, accounts("x"), xDir);
    const y = await startFleetDaemon("y", undefined, accounts("y"), yDir);
    await until("x to own its account", async () => (await account(x)).owner?.self);
    x.child.kill("SIGKILL");
    await new Promise((resolve) => x.child.once("exit", resolve));
    const before = stack.site.stats.generations;
    // Sent to y's daemon, bound to x: y never runs it on y.
    const { jobId } = await y.client.generateMusic({ prompt: "only on x", account: "x" });
    const waiting = await until(
      "the job to say it waits for x",
      async () => {
        const job = await y.client.getJob(jobId);
        return job.waiting?.code === "ACCOUNT_UNAVAILABLE" ? job : undefined;
      },
      OWNER_LEASE_MS + 10_000,
    );
    expect(waiting.status).toBe("queued");
    expect(waiting.waiting?.reason).toMatch(/No running daemon owns account x/);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect((await y.client.getJob(jobId)).status).toBe("queued");
    expect(stack.site.stats.generations).toBe(before);
    x = await startFleetDaemon("x", undefined, accounts("x"), xDir);
    const job = await y.client.waitForJob(jobId, { timeoutMs: 60_000 });
    expectStored([job]);
    expect(job.account).toBe("x");
    expect(stack.site.stats.generations - before).toBe(1);
    console.log(
      `fleet: a job bound to x waited on y's daemon (${waiting.waiting?.code}) and ran once x was back: 1 submission`,
    );
  }, 120_000);
});
