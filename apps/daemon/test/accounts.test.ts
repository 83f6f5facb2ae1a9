import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "@producer/config";
import { ProducerClient } from "@producer/core/client";
import { writeLoginState } from "@producer/session";
import { createTeardown } from "@producer/test-utils";
import { bin, processEnvironment, startDaemonProcess } from "./process-harness.js";
import { createSiteStack } from "./stack.js";
import { stopProcess } from "./stop-process.js";

const run = promisify(execFile);
const EMAILS = { main: "main@accounts.test", spare: "spare@accounts.test" } as const;

const teardown = createTeardown();
afterEach(() => teardown.run());

describe("a daemon with two accounts", () => {
  it("lists, pauses and resumes its accounts over HTTP and the CLI, and reports each in /readyz and /metrics", async () => {
    const stack = await createSiteStack({
      name: "accounts-daemon",
      simulator: { startingCredits: 500 },
      signedIn: false,
    });
    teardown.add(stack.close);
    const { site, dataDir } = stack;
    const env = processEnvironment(stack, {
      PRODUCER_ACCOUNTS: JSON.stringify([{ name: "main", weight: 2 }, { name: "spare" }]),
      PRODUCER_DAEMON_SHUTDOWN_GRACE_MS: "2000",
    });
    const { config } = loadConfig({ env, configFile: false });
    // main's login is taken in the way an operator would: `producer session import --account`.
    const mainState = path.join(dataDir, "main-export.json");
    fs.writeFileSync(mainState, JSON.stringify(site.issueSession(EMAILS.main)));
    const imported = await run(process.execPath, [bin, "session", "import", mainState, "--account", "main"], { env });
    expect(imported.stdout).toContain(path.join(dataDir, "accounts", "main.json"));
    writeLoginState(config.accounts[1]?.stateFile as string, site.issueSession(EMAILS.spare));
    expect(fs.statSync(path.join(dataDir, "accounts", "main.json")).mode & 0o777).toBe(0o600);

    const { child: daemon } = await startDaemonProcess(env);
    teardown.add(() => stopProcess(daemon));
    const client = new ProducerClient({ socketPath: config.daemon.socketPath });
    const direct = async (input: { prompt: string; account?: string }) => {
      const result = await client.generateMusic({ ...input, useQueue: false });
      if (!("job" in result)) throw new Error("expected a direct result");
      return result;
    };
    // Ready comes before the browser is warm: each account's session is checked just after.
    await expect
      .poll(async () => (await client.listAccounts()).every((account) => account.signedIn !== null), {
        timeout: 60_000,
      })
      .toBe(true);
    const accounts = await client.listAccounts();
    expect(accounts.map((account) => [account.name, account.signedIn, account.credits, account.wall])).toEqual([
      ["main", true, 500, null],
      ["spare", true, 500, null],
    ]);

    // Paused, main takes no job: the next ones run on spare.
    expect((await client.accountAction("main", "pause")).paused).toBe(true);
    const listed = await run(process.execPath, [bin, "accounts"], { env });
    expect(listed.stdout).toMatch(/^main\s+paused; 500 credits; 0\/1 running/m);
    expect(listed.stdout).toMatch(/^spare\s+ready; 500 credits/m);
    const first = await direct({ prompt: "on spare" });
    expect(first.job.status).toBe("succeeded");
    expect(first.job.submission?.account).toBe("spare");
    expect(site.stats.flow.generationCalls).toEqual({ [EMAILS.spare]: 1 });

    const resumed = await run(process.execPath, [bin, "accounts", "resume", "main"], { env });
    expect(resumed.stdout).toMatch(/^main\s+ready/m);
    const second = await direct({ prompt: "on main" });
    expect(second.job.submission?.account).toBe("main");
    // A job may name its account.
    const third = await direct({ prompt: "named spare", account: "spare" });
    expect(third.job.submission?.account).toBe("spare");
    expect(site.stats.flow.generationCalls).toEqual({ [EMAILS.main]: 1, [EMAILS.spare]: 2 });
    // Tracks say their account, and can be listed by it.
    const spareTracks = await client.listTracks({ account: "spare" });
    expect(spareTracks.tracks.map((track) => track.account)).toEqual(["spare", "spare", "spare", "spare"]);
    const mainTracks = await run(process.execPath, [bin, "tracks", "--account", "main", "--json"], { env });
    expect(
      (JSON.parse(mainTracks.stdout) as { tracks: Array<{ jobId: string }> }).tracks.map((track) => track.jobId),
    ).toEqual([second.jobId, second.jobId]);

    const ready = (await (await fetchOverSocket(config.daemon.socketPath, "/readyz")).json()) as {
      accounts: Array<{ name: string; generations: number }>;
    };
    expect(ready.accounts.map((account) => [account.name, account.generations])).toEqual([
      ["main", 1],
      ["spare", 2],
    ]);
    const metrics = await (await fetchOverSocket(config.daemon.socketPath, "/metrics")).text();
    expect(metrics).toContain('producer_account_generations_total{account="spare"} 2');
    expect(metrics).toContain('producer_account_credits_spent_total{account="main"} 10');
    expect(metrics).toContain('producer_account_credits{account="spare"} 480');
    // The jobs' steps as the queue worker timed them, and the page's own steps, over both accounts' generations.
    expect(metrics).toContain('producer_step_duration_seconds_count{step="generating"} 3');
    for (const step of ["open", "compose", "submit", "generation", "download"]) {
      expect(metrics).toContain(`producer_page_step_duration_seconds_count{step="${step}"} 3`);
      const sum = metrics.match(
        new RegExp(`^producer_page_step_duration_seconds_sum\\{step="${step}"\\} (\\S+)$`, "m"),
      );
      expect(Number(sum?.[1]), step).toBeGreaterThan(0);
    }

    await expect(client.accountAction("nobody", "pause")).rejects.toMatchObject({ code: "NOT_FOUND" });
    const unknown = await run(process.execPath, [bin, "accounts", "pause", "nobody"], { env }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringContaining("the accounts are main, spare") });
  });

  it("adds and removes accounts in the config file, refusing a bad name", async () => {
    const dataDir = teardown.tempDir("producer-accounts-cli-");
    const env = {
      ...process.env,
      PRODUCER_PATHS_DATA_DIR: dataDir,
      PRODUCER_CONFIG: path.join(dataDir, "producer.config.json"),
    };
    fs.writeFileSync(env.PRODUCER_CONFIG, JSON.stringify({ log: { level: "warn" } }));
    const added = await run(
      process.execPath,
      [bin, "accounts", "add", "second", "--max-concurrency", "2", "--weight", "3"],
      { env, cwd: dataDir },
    );
    expect(added.stdout).toContain(path.join(dataDir, "accounts", "second.json"));
    await run(process.execPath, [bin, "accounts", "add", "third"], { env, cwd: dataDir });
    const file = JSON.parse(fs.readFileSync(env.PRODUCER_CONFIG, "utf8")) as { log: unknown; accounts: unknown };
    expect(file).toEqual({
      log: { level: "warn" },
      accounts: [{ name: "second", maxConcurrency: 2, weight: 3 }, { name: "third" }],
    });
    const bad = await run(process.execPath, [bin, "accounts", "add", "Bad Name"], { env, cwd: dataDir }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining("lowercase letters") });
    await run(process.execPath, [bin, "accounts", "remove", "second"], { env, cwd: dataDir });
    expect(JSON.parse(fs.readFileSync(env.PRODUCER_CONFIG, "utf8"))).toEqual({
      log: { level: "warn" },
      accounts: [{ name: "third" }],
    });
  });
});

/** A plain GET over the daemon's Unix socket. */
async function fetchOverSocket(
  socketPath: string,
  urlPath: string,
): Promise<{ json(): Promise<unknown>; text(): Promise<string> }> {
  const http = await import("node:http");
  const body = await new Promise<string>((resolve, reject) => {
    const request = http.request({ socketPath, path: urlPath, method: "GET" }, (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString()));
      response.on("end", () => resolve(text));
    });
    request.on("error", reject);
    request.end();
  });
  return { json: async () => JSON.parse(body) as unknown, text: async () => body };
}
