import fs from "node:fs";
import path from "node:path";
import { writeLoginState } from "@producer/session";
import { listFiles } from "@producer/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import type { Job } from "../src/index.js";
import { createStack, endedJob, type CoreStack } from "./stack.js";
import { startWorkerProcess } from "./worker-processes.js";

let harness: CoreStack | undefined;
afterEach(() => harness?.close());

const jobIdOf = (result: unknown) => (result as { jobId: string }).jobId;

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every stored object is byte-equal to what the site served for that song. */
async function expectStoredAsServed(h: CoreStack, job: Job): Promise<void> {
  const hashes = new Set<string>();
  for (const track of job.tracks) {
    expect(track.sha256, `track ${track.songIndex}`).toBe(
      h.site.servedSha256(track.clipId as string, track.format as "wav"),
    );
    hashes.add(track.sha256);
    const object = await h.service.storage.head(track.storage.key);
    expect(object?.metadata.sha256).toBe(track.sha256);
  }
  expect(hashes.size).toBe(job.tracks.length);
}

describe("one request, one submission", () => {
  it("resumes after Chromium is killed once the prompt was submitted: one submission, the same songs", async () => {
    const h = (harness = await createStack({ simulator: { generationMs: 2500 } }));
    await h.session.start();
    const id = jobIdOf(await h.service.generateMusic({ prompt: "crash after submit" }));
    await until(() => h.site.stats.generations === 1, 20_000);
    await until(async () => (await h.service.getJob(id)).submission?.state === "accepted", 10_000);
    process.kill(h.session.pool.browserProcessId() as number, "SIGKILL");
    const job = await h.service.waitForJob(id, { timeoutMs: 60_000 });
    expect(job).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(h.site.stats.generations).toBe(1);
    expect(job.tracks).toHaveLength(2);
    expect(job.submission?.clipIds).toEqual(job.tracks.map((track) => track.clipId));
    await expectStoredAsServed(h, job);
  }, 90_000);

  it("when the site takes the generation but its answer is lost on the way back, looks for the songs instead of sending again", async () => {
    const h = (harness = await createStack());
    h.site.faults.set("reply-lost", { times: 1 });
    const job = await endedJob(h, "answer lost");
    expect(job).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(h.site.stats.generations).toBe(1);
    expect(h.site.stats.flow.creditsCharged).toBe(10);
    expect(job.tracks).toHaveLength(2);
    expect(job.submission).toMatchObject({
      state: "accepted",
      prompt: "answer lost",
      clipIds: job.tracks.map((track) => track.clipId),
    });
    await expectStoredAsServed(h, job);
  }, 90_000);

  it("after a SIGKILL of the worker's process, the next one of the same data dir takes the job back at once and resumes it", async () => {
    const h = (harness = await createStack({ generator: false, simulator: { generationMs: 3000 } }));
    const workerSettings = h.overridesWith({ database: { url: h.config.database.url }, queue: { leaseMs: 60_000 } });
    const first = await startWorkerProcess(workerSettings);
    h.teardown.add(first.stop);
    const id = jobIdOf(await h.service.generateMusic({ prompt: "survive kill -9" }));
    await until(async () => (await h.service.getJob(id)).submission?.state === "accepted", 20_000);
    await first.kill();
    const browserRoot = path.join(h.dataDir, "browser");
    const leftBehind = fs.readdirSync(browserRoot).filter((name) => name.startsWith(`${first.child.pid}-`));
    expect(leftBehind).toHaveLength(1);
    const restartedAt = Date.now();
    h.teardown.add((await startWorkerProcess(workerSettings)).stop);
    // The killed process's profile and downloads folder is gone once the next one launched its browser.
    expect(fs.existsSync(path.join(browserRoot, leftBehind[0] as string))).toBe(false);
    const job = await h.service.waitForJob(id, { timeoutMs: 45_000 });
    expect(job).toMatchObject({ status: "succeeded", attempts: 2 });
    // Taken back at once: far sooner than the 60 s lease.
    expect(Date.now() - restartedAt).toBeLessThan(30_000);
    expect(h.site.stats.generations).toBe(1);
    await expectStoredAsServed(h, job);
  }, 120_000);

  it("fails with SITE_CHANGED, once, naming a locator that matches nothing after submission, with the submission on the job", async () => {
    // Neither storage links (MP3 has none) nor the download endpoint give the file: only the library menu can.
    const site = {
      locators: { songLink: 'a[data-song="{id}"]' },
      api: { download: "/__api/gone/{clipId}?format={format}" },
    };
    const h = (harness = await createStack({ config: { site } }));
    const job = await h.service.waitForJob(
      jobIdOf(await h.service.generateMusic({ prompt: "library drifted", format: "mp3" })),
      { timeoutMs: 60_000 },
    );
    expect(job).toMatchObject({ status: "failed", attempts: 1, error: { code: "SITE_CHANGED", retryable: false } });
    expect(job.error?.details).toMatchObject({ step: "download", locator: "songLink", songNumber: 1 });
    const artifacts = job.error?.details?.artifacts as { screenshot: string; html: string };
    expect(fs.existsSync(artifacts.screenshot) && fs.existsSync(artifacts.html)).toBe(true);
    expect(fs.statSync(artifacts.screenshot).mode & 0o777).toBe(0o600);
    expect(job.submission).toMatchObject({ state: "accepted" });
    expect(job.submission?.clipIds).toHaveLength(2);
    expect(h.site.stats.generations).toBe(1);
  }, 90_000);

  it("never stores two songs that are the same bytes: DUPLICATE_AUDIO, not retried, nothing stored", async () => {
    const h = (harness = await createStack());
    h.site.faults.set("duplicate-audio", { times: 1 });
    const job = await endedJob(h, "twins");
    expect(job).toMatchObject({ status: "failed", attempts: 1, error: { code: "DUPLICATE_AUDIO", retryable: false } });
    expect(job.error?.details).toMatchObject({ songNumbers: [1, 2] });
    expect((await h.service.listTracks({ jobId: job.id })).tracks).toEqual([]);
    expect(h.site.stats.generations).toBe(1);
  }, 60_000);

  it("never stores a file whose bytes are not the asked format: AUDIO_INVALID, not retried", async () => {
    const h = (harness = await createStack());
    h.site.faults.set("wrong-format");
    const job = await h.service.waitForJob(
      jobIdOf(await h.service.generateMusic({ prompt: "not a wav", format: "wav" })),
      { timeoutMs: 60_000 },
    );
    expect(job).toMatchObject({ status: "failed", attempts: 1, error: { code: "AUDIO_INVALID", retryable: false } });
    expect(job.error?.details).toMatchObject({ expectedFormat: "wav", foundFormat: "mp3", songNumber: 1 });
    expect(h.site.stats.generations).toBe(1);
  }, 60_000);

  it("stores every control's facts with the track and in the object's metadata", async () => {
    const h = (harness = await createStack());
    const job = await h.service.waitForJob(
      jobIdOf(
        await h.service.generateMusic({
          prompt: "facts",
          model: "lyria-3-pro",
          bpm: 128,
          seed: 99,
          durationSecs: 30,
          format: "mp3",
          stems: true,
        }),
      ),
      { timeoutMs: 90_000 },
    );
    expect(job.status).toBe("succeeded");
    expect(job.tracks).toHaveLength(10);
    const song = job.tracks[0];
    expect(song).toMatchObject({
      model: "lyria-3-pro",
      bpm: 128,
      seed: 99,
      creditsCharged: 5,
      siteDurationSecs: 30,
      stem: null,
    });
    const stems = job.tracks.filter((track) => track.stem);
    expect(stems).toHaveLength(8);
    expect(stems[0]?.parentClipId).toBe(song?.clipId);
    const head = await h.service.storage.head(song?.storage.key as string);
    expect(head?.metadata).toMatchObject({
      model: "lyria-3-pro",
      bpm: "128",
      seed: "99",
      "credits-charged": "5",
      "clip-id": song?.clipId,
    });
    await expectStoredAsServed(h, job);
    expect(listFiles(h.config.paths.downloadsDir)).toEqual([]);
  }, 120_000);

  it("refuses a control the profile does not have before queueing anything", async () => {
    harness = await createStack({ simulator: { variant: "producerai-2025" } });
    await expect(harness.service.generateMusic({ prompt: "x", model: "lyria-3.5" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      details: { fields: [{ path: "model", message: "is not a control of this site profile" }] },
    });
    expect((await harness.service.listJobs()).jobs).toEqual([]);
  });
});

describe("out of credits", () => {
  it("pauses without submitting, re-checks inside the open page with no page load, backing off, and resumes once credits come", async () => {
    const h = (harness = await createStack({ config: { queue: { pauseRecheckMs: 250, pauseRecheckMaxMs: 2000 } } }));
    h.site.setCredits(3);
    const id = jobIdOf(await h.service.generateMusic({ prompt: "no credits" }));
    await until(async () => (await h.service.getJob(id)).waiting?.code === "QUOTA_EXHAUSTED", 20_000);
    const loads = () => Object.values(h.site.stats.pageLoads).reduce((a, b) => a + b, 0);
    const loadsAtPause = loads();
    const readsAtPause = h.site.stats.flow.creditsReads;
    // 250 + 500 + 1000 + 2000 + 2000 ms: five checks in 6 s, where a fixed 250 ms would have made 24.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    const waiting = await h.service.getJob(id);
    expect(waiting).toMatchObject({ status: "queued", attempts: 0 });
    expect(waiting.waiting?.reason).toContain("3 credits");
    expect(h.site.stats.flow.generationCalls).toEqual({});
    expect(loads()).toBe(loadsAtPause);
    const checks = h.site.stats.flow.creditsReads - readsAtPause;
    expect(checks).toBeGreaterThanOrEqual(2);
    expect(checks).toBeLessThanOrEqual(8);
    h.site.setCredits(100);
    const creditsBack = Date.now();
    await until(async () => (await h.service.getJob(id)).status !== "queued", 20_000);
    // Within one back-off step (2 s at most here), with room for a busy machine.
    expect(Date.now() - creditsBack).toBeLessThan(2000 + 3000);
    const job = await h.service.waitForJob(id, { timeoutMs: 30_000 });
    expect(job.status).toBe("succeeded");
    expect(h.site.stats.generations).toBe(1);
  }, 60_000);
});

describe("the site's own word on credits and logins", () => {
  it("pauses on HTTP 402 from the generation call, charged nothing, and resumes once credits come", async () => {
    const h = (harness = await createStack());
    // The balance read before submitting was enough; the site says otherwise when asked to generate.
    h.site.faults.set("quota-exhausted", { times: 1 });
    const id = jobIdOf(await h.service.generateMusic({ prompt: "402 then credits" }));
    const job = await h.service.waitForJob(id, { timeoutMs: 45_000 });
    expect(job.status).toBe("succeeded");
    expect(h.site.stats.flow.refusedForCredits).toBe(1);
    expect(h.site.stats.flow.generationsStarted).toEqual({ "producer@example.test": 1 });
    expect(h.site.stats.flow.creditsCharged).toBe(10);
  }, 60_000);

  it("runs on a login whose access token expired an hour ago: the page renews it", async () => {
    const h = (harness = await createStack());
    writeLoginState(h.config.paths.stateFile, h.site.issueSession(undefined, { ttlSecs: -3600 }));
    const id = jobIdOf(await h.service.generateMusic({ prompt: "an hour later" }));
    const job = await h.service.waitForJob(id, { timeoutMs: 45_000 });
    expect(job.status).toBe("succeeded");
    expect(h.site.stats.flow.refreshes.granted).toBeGreaterThanOrEqual(1);
    expect(h.site.stats.generations).toBe(1);
  }, 60_000);

  it("pauses with SESSION_EXPIRED when the refresh token is dead too, submitting nothing", async () => {
    const h = (harness = await createStack());
    writeLoginState(
      h.config.paths.stateFile,
      h.site.issueSession(undefined, { ttlSecs: -3600, refreshTokenDead: true }),
    );
    const id = jobIdOf(await h.service.generateMusic({ prompt: "dead refresh token" }));
    await until(async () => (await h.service.getJob(id)).waiting?.code === "SESSION_EXPIRED", 30_000);
    expect(await h.service.getJob(id)).toMatchObject({ status: "queued" });
    expect(h.site.stats.generations).toBe(0);
  }, 60_000);
});

describe("a job says what happened", () => {
  it("shows a queued job waiting on a paused queue, with the pause's code and reason", async () => {
    const h = (harness = await createStack());
    h.site.expireSessions();
    const id = jobIdOf(await h.service.generateMusic({ prompt: "waiting" }));
    await until(async () => (await h.service.getJob(id)).waiting !== null, 20_000);
    const job = await h.service.getJob(id);
    expect(job).toMatchObject({ status: "queued", waiting: { code: "SESSION_EXPIRED" } });
    expect(job.waiting?.reason).toMatch(/session/i);
    expect(h.site.stats.generations).toBe(0);
  }, 60_000);
});
