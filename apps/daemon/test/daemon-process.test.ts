import { execFile, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { loadConfig } from "@producer/config";
import { ProducerClient, ProducerService } from "@producer/core";
import type { RunningSimulator } from "@producer/simulator";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bin, processEnvironment, startDaemonProcess as startDaemon } from "./process-harness.js";
import { createSiteStack, type SiteStack } from "./stack.js";
import { stopProcess } from "./stop-process.js";

const run = promisify(execFile);
let stack: SiteStack;
let site: RunningSimulator;
let dataDir: string;

const environment = (): NodeJS.ProcessEnv => processEnvironment(stack);

/** Starts `producer daemon` and resolves once it is ready; it is stopped after the test. */
async function startDaemonProcess(): Promise<{ child: ChildProcess; log: string[] }> {
  const started = await startDaemon(environment());
  stack.teardown.add(() => stopProcess(started.child));
  return started;
}

beforeEach(async () => {
  stack = await createSiteStack({ name: "daemon" });
  ({ site, dataDir } = stack);
});
afterEach(() => stack.close());

describe("the daemon process", () => {
  it("serves an app that only has @producer/core, over its Unix socket", async () => {
    await startDaemonProcess();
    const socketPath = path.join(dataDir, "producer.sock");
    expect(fs.statSync(socketPath).mode & 0o777).toBe(0o600);
    const { stdout } = await run(process.execPath, [path.join(import.meta.dirname, "fixtures", "client-only.mjs")], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PRODUCER_PATHS_DATA_DIR: dataDir },
      timeout: 90_000,
    });
    const result = JSON.parse(stdout) as {
      queued: { status: string };
      statuses: string[];
      job: { status: string; tracks: Array<{ storage: { key: string } }> };
      tracks: { tracks: unknown[] };
      refused: { name: string; code: string; fields: string[] };
    };
    expect(result.queued.status).toBe("queued");
    expect(result.statuses.at(-1)).toBe("succeeded");
    expect(result.statuses).toEqual(expect.arrayContaining(["uploading", "recording"]));
    expect(result.job.tracks).toHaveLength(2);
    expect(result.job.tracks[0]?.storage.key).toMatch(/^users\/user_456\/projects\/music-clip\/project_123\/audio\//);
    expect(result.tracks.tracks).toHaveLength(2);
    expect(result.refused).toEqual({ name: "InvalidInputError", code: "INVALID_INPUT", fields: ["prompt"] });
  }, 120_000);

  it("serves a caller written against the earlier service's names, unchanged", async () => {
    await startDaemonProcess();
    const downloads = path.join(dataDir, "earlier-downloads");
    const before = site.stats.generations;
    const { stdout } = await run(
      process.execPath,
      ["--no-deprecation", path.join(import.meta.dirname, "fixtures", "earlier-caller.mjs")],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          PRODUCER_PATHS_DATA_DIR: dataDir,
          PRODUCER_AI_DOWNLOAD_PATH: downloads,
        },
        timeout: 120_000,
      },
    );
    const out = JSON.parse(stdout) as Record<string, Record<string, unknown> & { success?: boolean }>;
    expect(out.result).toMatchObject({
      success: true,
      method: "producer_ai_queue",
      lyrics: "Sunshine on the water",
      prompt: "Create a happy pop song",
    });
    expect(site.stats.prompts).toContain("Create a happy pop song\n\nLyrics:\nSunshine on the water");
    const uploaded = out.result?.uploaded_files as Array<{ filename: string; local_path: string; size: number }>;
    expect(uploaded).toHaveLength(2);
    for (const file of uploaded) expect(fs.statSync(file.local_path).size).toBe(file.size);
    expect(path.dirname(uploaded[0]?.local_path ?? "")).toBe(downloads);
    expect(out.request).toMatchObject({
      success: true,
      status: { status: "completed", request_id: out.result?.request_id },
    });
    expect(out.session).toMatchObject({ is_authenticated: true });
    expect(out.clip).toMatchObject({ success: true, is_instrumental: true, project_id: "project_123" });
    expect(out.automation).toMatchObject({ success: true, method: "producer_ai_automation", title: "Credits" });
    expect(out.files).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ url: expect.stringMatching(/^\/api\/ai\/producer\/files\//) }),
      ]),
    );
    expect(typeof out.served).toBe("string");
    expect(out.failed).toMatchObject({ success: false, error_type: "GenerationError" });
    expect(out.missing).toEqual({ success: false, error: "Request not found" });
    expect(out.cleaned).toBe(true);
    expect(site.stats.generations).toBe(before + 3);
  }, 180_000);

  it("runs `producer generate --wait --json` and lists what it made with `producer tracks`", async () => {
    await startDaemonProcess();
    const { stdout } = await run(
      process.execPath,
      [
        bin,
        "generate",
        "A calm piano piece",
        ...["--title", "Credits", "--project", "p-1", "--user", "u-1"],
        ...["--format", "mp3", "--wait", "--json"],
      ],
      { env: environment(), timeout: 90_000 },
    );
    const job = JSON.parse(stdout) as { status: string; tracks: Array<{ storage: { key: string }; format: string }> };
    expect(job.status).toBe("succeeded");
    expect(job.tracks.map((track) => track.format)).toEqual(["mp3", "mp3"]);
    const listed = await run(process.execPath, [bin, "tracks", "--project", "p-1"], { env: environment() });
    for (const track of job.tracks) expect(listed.stdout).toContain(track.storage.key);
    const refused = await run(process.execPath, [bin, "generate", "x", "--format", "flac"], {
      env: environment(),
    }).catch((caught: { code: number; stderr: string }) => caught);
    expect((refused as { code: number }).code).toBe(2);
    expect((refused as { stderr: string }).stderr).toContain("format: must be one of wav, mp3, m4a");
  }, 120_000);

  it("pauses on an expired session and resumes as soon as `producer session import` brings a new one", async () => {
    await startDaemonProcess();
    const client = new ProducerClient({ socketPath: path.join(dataDir, "producer.sock") });
    site.expireSessions();
    const { jobId } = await client.generateMusic({ prompt: "after the new login" });
    const deadline = Date.now() + 20_000;
    while (!(await client.status()).paused && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await client.status()).paused?.code).toBe("SESSION_EXPIRED");
    expect((await client.session()).paused?.code).toBe("SESSION_EXPIRED");
    const stateFile = path.join(dataDir, "fresh-cookies.json");
    fs.writeFileSync(stateFile, JSON.stringify(site.issueSession().cookies));
    const imported = await run(process.execPath, [bin, "session", "import", stateFile], { env: environment() });
    expect(imported.stdout).toContain("mode 0600");
    const resumedAt = Date.now();
    const job = await client.waitForJob(jobId, { timeoutMs: 25_000 });
    expect(job.status).toBe("succeeded");
    // well before the 30 s recheck: the new state was picked up and the queue resumed at once
    expect(Date.now() - resumedAt).toBeLessThan(20_000);
    expect((await client.status()).paused).toBeNull();
  }, 120_000);

  it("drains on SIGTERM: the running job finishes, the queued one stays queued, the socket goes", async () => {
    site.settings.generationMs = 3000;
    site.settings.replyDelayMs = 200;
    const { child } = await startDaemonProcess();
    const socketPath = path.join(dataDir, "producer.sock");
    const client = new ProducerClient({ socketPath });
    const running = await client.generateMusic({ prompt: "finish me" });
    const waiting = await client.generateMusic({ prompt: "wait for the next start" });
    const deadline = Date.now() + 20_000;
    while ((await client.getJob(running.jobId)).status === "queued" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(fs.existsSync(socketPath)).toBe(false);
    const { config } = loadConfig({ env: environment(), configFile: false });
    const service = await ProducerService.create({ config });
    try {
      expect((await service.getJob(running.jobId)).status).toBe("succeeded");
      expect((await service.getJob(waiting.jobId)).status).toBe("queued");
    } finally {
      await service.close({ graceMs: 0 });
    }
  }, 120_000);
});

describe("a daemon killed with SIGKILL mid-job", () => {
  it("takes the job back at once when started again and resumes it: one submission, stored once", async () => {
    site.settings.generationMs = 3000;
    const first = await startDaemonProcess();
    const socketPath = path.join(dataDir, "producer.sock");
    const client = new ProducerClient({ socketPath });
    const { jobId } = await client.generateMusic({ prompt: "survive kill -9 of the daemon" });
    const deadline = Date.now() + 30_000;
    while ((await client.getJob(jobId)).submission?.state !== "accepted" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(site.stats.generations).toBe(1);
    const exited = new Promise((resolve) => first.child.once("exit", resolve));
    first.child.kill("SIGKILL");
    await exited;
    const restartedAt = Date.now();
    await startDaemonProcess();
    const job = await new ProducerClient({ socketPath }).waitForJob(jobId, { timeoutMs: 45_000 });
    expect(job).toMatchObject({ status: "succeeded", attempts: 2 });
    // Far sooner than the 60 s lease: the dead daemon's job was taken back on start.
    expect(Date.now() - restartedAt).toBeLessThan(30_000);
    expect(site.stats.generations).toBe(1);
    expect(job.tracks).toHaveLength(2);
    for (const track of job.tracks) expect(track.sha256).toBe(site.servedSha256(track.clipId as string, "wav"));
    expect(fs.statSync(path.join(dataDir, "producer.db")).mode & 0o777).toBe(0o600);
  }, 120_000);
});

describe("the producer CLI", () => {
  it("says the daemon is not running, with exit code 3, and checks the machine with doctor", async () => {
    const error = await run(process.execPath, [bin, "jobs"], { env: environment() }).catch(
      (caught: { code: number; stderr: string }) => caught,
    );
    expect((error as { code: number }).code).toBe(3);
    expect((error as { stderr: string }).stderr).toMatch(/\[UNAVAILABLE\].*producer daemon/);
    const doctor = await run(process.execPath, [bin, "doctor"], { env: environment(), timeout: 60_000 }).catch(
      (caught: { stdout: string; code: number }) => caught,
    );
    const text = (doctor as { stdout: string }).stdout;
    for (const line of [
      "✓ configuration is valid",
      "✓ Chromium found",
      "✓ data dir writable",
      "✓ database migrates: sqlite",
      "✓ storage reachable",
      "✓ session valid",
      "✓ socket: free",
    ]) {
      expect(text).toContain(line);
    }
  }, 90_000);

  it("rejects a bad configuration with one clear message and exit code 2", async () => {
    const error = await run(process.execPath, [bin, "config"], {
      env: { ...environment(), PRODUCER_BROWSER_PAGE_COUNT: "lots", PRODUCER_SITE_DOWNLOAD_FORMAT: "flac" },
    }).catch((caught: { code: number; stderr: string }) => caught);
    expect((error as { code: number }).code).toBe(2);
    const stderr = (error as { stderr: string }).stderr;
    expect(stderr).toContain("Invalid producer configuration (2 problems)");
    expect(stderr).toContain("browser.pageCount");
    expect(stderr).not.toMatch(/\n\s+at /);
    const { stdout } = await run(process.execPath, [bin, "config"], {
      env: { ...environment(), PRODUCER_DAEMON_TOKEN: "a-secret-token-for-tests" },
    });
    expect(stdout).toMatch(/daemon\.token\s+= "\*\*\*\*"/);
    expect(stdout).not.toContain("a-secret-token-for-tests");
  });
});
