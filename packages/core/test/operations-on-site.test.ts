import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { S3Storage } from "@producer/utils";
import type { Job, Track } from "../src/index.js";
import { createStack, endedJob, type CoreStack } from "./stack.js";

let harness: CoreStack;
let source: Track;
beforeAll(async () => {
  // One attempt per job: a failure past submission ends the job, so `retry` is what fetches its songs.
  harness = await createStack({ simulator: { songDurationSecs: [2, 3] }, config: { queue: { maxAttempts: 1 } } });
  const made = await endedJob(harness, "a song to work on");
  expect(made.status).toBe("succeeded");
  source = made.tracks[0] as Track;
}, 120_000);
afterAll(() => harness?.close());

/** Tool runs the site did (charged or free work), summed over its tools. */
const toolRuns = () => Object.values(harness.site.stats.flow.toolRuns).reduce((sum, count) => sum + count, 0);

const ended = async (result: unknown): Promise<Job> =>
  harness.service.waitForJob((result as { jobId: string }).jobId, { timeoutMs: 90_000 });

describe("song operations on real parts (the simulator, Chromium, S3)", () => {
  it("extends one of our tracks: one charged tool run, the stored file longer by its seconds, lineage recorded", async () => {
    const runsBefore = { ...harness.site.stats.flow.toolRuns };
    const job = await ended(await harness.service.extend({ trackId: source.id, seconds: 2, prompt: "an outro" }));
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
    const runs = harness.site.stats.flow.toolRuns;
    const added = Object.entries(runs).reduce((sum, [tool, count]) => sum + count - (runsBefore[tool] ?? 0), 0);
    expect(added).toBe(1);
    expect(job.tracks.length).toBeGreaterThan(0);
    for (const track of job.tracks) {
      expect(track).toMatchObject({ operation: "extend", sourceTrackId: source.id, sourceClipId: source.clipId });
      expect(track.clipId).not.toBe(source.clipId);
      expect(Math.abs(track.durationSecs - (source.durationSecs + 2))).toBeLessThan(0.5);
      const head = await (harness.service.storage as S3Storage).head(track.storage.key);
      expect(head?.size).toBe(track.sizeBytes);
    }
  });

  it("splits the stems of a clip given by its id", async () => {
    const job = await ended(await harness.service.stems({ clipId: source.clipId as string }));
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
    expect(job.tracks.map((track) => track.stem).sort()).toEqual(["bass", "drums", "other", "vocals"]);
    for (const track of job.tracks) expect(track).toMatchObject({ operation: "stems", sourceClipId: source.clipId });
  });

  it("a cover whose answer was lost after the call is recoverable, and retry fetches it with 0 new tool runs", async () => {
    harness.site.faults.set("reply-lost", { times: 1 });
    const runsBefore = toolRuns();
    const creditsBefore = harness.site.stats.flow.creditsCharged;
    const first = await ended(await harness.service.cover({ trackId: source.id, prompt: "as a jazz ballad" }));
    const afterFirst = toolRuns();
    expect(afterFirst - runsBefore).toBe(1);
    expect(first).toMatchObject({ status: "failed", recoverable: true });
    await harness.service.retry(first.id);
    const job = await harness.service.waitForJob(first.id, { timeoutMs: 90_000 });
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
    expect(toolRuns()).toBe(afterFirst);
    expect(harness.site.stats.flow.creditsCharged - creditsBefore).toBeGreaterThan(0);
    expect(job.tracks[0]).toMatchObject({ operation: "cover", sourceTrackId: source.id });
  });

  it("a refused recipe spends nothing and says why", async () => {
    harness.site.faults.set("recipe-refused", { times: 1 });
    const creditsBefore = harness.site.stats.flow.creditsCharged;
    const runsBefore = toolRuns();
    const job = await ended(await harness.service.extend({ clipId: source.clipId as string, seconds: 5 }));
    expect(job.status).toBe("failed");
    expect(job.recoverable).toBe(false);
    expect(job.error?.message).toMatch(/Field required|refused/i);
    expect(harness.site.stats.flow.creditsCharged).toBe(creditsBefore);
    expect(toolRuns()).toBe(runsBefore);
  });
});
