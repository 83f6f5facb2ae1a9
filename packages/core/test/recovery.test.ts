import { BrowserSession } from "@producer/session";
import { createPostgresSchema, postgresUrl, type PostgresSchema } from "@producer/test-utils";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ProducerService, type Job } from "../src/index.js";
import { createStack, endedJob, type CoreStack } from "./stack.js";

let harness: CoreStack | undefined;
afterEach(() => harness?.close());

const jobIdOf = (result: unknown) => (result as { jobId: string }).jobId;
const calls = (h: CoreStack) => Object.values(h.site.stats.flow.generationCalls).reduce((sum, count) => sum + count, 0);
/** Neither storage links (MP3 has none) nor the endpoint give the file, and the library's song links drifted. */
const drifted = {
  locators: { songLink: 'a[data-song="{id}"]' },
  api: { download: "/__api/gone/{clipId}?format={format}" },
};

/**
 * A second service, as after a restart with a fixed configuration: on the same data dir and database, or on a
 * machine of its own (data dir, browser, login) when `dataDir` is given.
 */
async function restartedService(h: CoreStack, dataDir?: string): Promise<ProducerService> {
  await h.service.close({ graceMs: 500 });
  await h.session.close();
  const config = h.configWith(dataDir ? { paths: { dataDir } } : {});
  if (dataDir) h.signIn(config);
  const session = new BrowserSession({ config });
  const service = await ProducerService.create({ config, generator: session });
  h.teardown.add(() => session.close());
  h.teardown.add(() => service.close({ graceMs: 500 }));
  return service;
}

/** The retried job stored the songs of the first submission, as served, with no new generation. */
async function expectRecovered(
  h: CoreStack,
  service: ProducerService,
  failed: Job,
  callsBefore: number,
): Promise<void> {
  const done = await service.waitForJob(failed.id, { timeoutMs: 60_000 });
  expect(done.status).toBe("succeeded");
  expect(done.tracks.map((track) => track.clipId).sort()).toEqual([...(failed.recovery?.clipIds ?? [])].sort());
  expectAsServed(h, done);
  expect(calls(h)).toBe(callsBefore);
  expect(h.site.stats.generations).toBe(1);
}

function expectAsServed(h: CoreStack, job: Job): void {
  const hashes = new Set(job.tracks.map((track) => track.sha256));
  expect(hashes.size).toBe(job.tracks.length);
  for (const track of job.tracks)
    expect(track.sha256).toBe(h.site.servedSha256(track.clipId as string, track.format as "mp3"));
}

describe("paid work is never lost", () => {
  it("ends a job that failed after its submission recoverable, and a retry after the fix stores the same songs without a new generation", async () => {
    const h = (harness = await createStack({ config: { site: drifted } }));
    const failed = await h.service.waitForJob(
      jobIdOf(await h.service.generateMusic({ prompt: "paid for", format: "mp3" })),
      { timeoutMs: 60_000 },
    );
    expect(failed).toMatchObject({ status: "failed", recoverable: true, error: { code: "SITE_CHANGED" } });
    expect(failed.recovery?.clipIds).toHaveLength(2);
    expect(failed.recovery?.creditsCharged).toBe(10);
    expect(failed.recovery?.message).toContain("nothing is submitted again");
    const callsBefore = calls(h);

    const service = await restartedService(h);
    const retried = await service.retry(failed.id);
    expect(retried).toMatchObject({ recoverable: false, error: null });
    expect(["queued", "generating", "downloading", "uploading", "recording", "succeeded"]).toContain(retried.status);
    await expectRecovered(h, service, failed, callsBefore);
    await expect(service.retry(failed.id)).rejects.toMatchObject({ code: "CONFLICT" });
  }, 120_000);

  it("does not run again a job that failed before anything reached the site, unless asked to resubmit", async () => {
    const h = (harness = await createStack({
      config: { site: { locators: { generateButton: { role: "button", name: "Create song" } } } },
    }));
    const failed = await h.service.waitForJob(
      jobIdOf(await h.service.generateMusic({ prompt: "never sent", format: "mp3" })),
      { timeoutMs: 60_000 },
    );
    expect(failed).toMatchObject({
      status: "failed",
      recoverable: false,
      recovery: null,
      error: { code: "SITE_CHANGED" },
    });
    expect(calls(h)).toBe(0);

    const service = await restartedService(h);
    await expect(service.retry(failed.id)).rejects.toMatchObject({
      code: "CONFLICT",
      details: { resubmitNeeded: true },
    });
    expect((await service.getJob(failed.id)).status).toBe("failed");
    await service.retry(failed.id, { resubmit: true });
    const done = await service.waitForJob(failed.id, { timeoutMs: 60_000 });
    expect(done.status).toBe("succeeded");
    expect(calls(h)).toBe(1);
    expectAsServed(h, done);
  }, 120_000);

  it("offers nothing to recover when the site itself failed the generation", async () => {
    const h = (harness = await createStack());
    h.site.faults.set("song-failed", { times: 1 });
    const failed = await endedJob(h, "the site says no");
    expect(failed).toMatchObject({
      status: "failed",
      recoverable: false,
      recovery: null,
      error: { code: "GENERATION_FAILED" },
    });
    await expect(h.service.retry(failed.id)).rejects.toMatchObject({ code: "CONFLICT" });
  }, 90_000);

  it("refuses to retry a job that has not ended", async () => {
    const h = (harness = await createStack({ simulator: { generationMs: 4000 } }));
    const id = jobIdOf(await h.service.generateMusic({ prompt: "still running" }));
    await expect(h.service.retry(id)).rejects.toMatchObject({ code: "CONFLICT" });
    await h.service.waitForJob(id, { timeoutMs: 60_000 });
  }, 90_000);
});

describe.skipIf(!postgresUrl)("paid work is never lost, on PostgreSQL", () => {
  let schema: PostgresSchema<pg.Client>;
  beforeEach(async () => {
    schema = await createPostgresSchema(pg.Client, "producer_recovery");
  });
  afterEach(async () => {
    await harness?.close();
    await schema.drop();
  });

  it("retries on another daemon of the same database: the songs of the first one's submission, no new generation", async () => {
    const h = (harness = await createStack({ database: schema.url, config: { site: drifted } }));
    expect(h.service.dialect).toBe("postgres");
    const failed = await h.service.waitForJob(
      jobIdOf(await h.service.generateMusic({ prompt: "paid on one daemon", format: "mp3" })),
      { timeoutMs: 60_000 },
    );
    expect(failed).toMatchObject({ status: "failed", recoverable: true });
    const callsBefore = calls(h);
    // The first daemon stops; another one, on its own machine (data dir, browser, login) with the fixed profile, retries.
    const service = await restartedService(h, h.teardown.tempDir("producer-other-"));
    await service.retry(failed.id);
    await expectRecovered(h, service, failed, callsBefore);
  }, 120_000);
});
