import { createHash } from "node:crypto";
import path from "node:path";
import type { Readable } from "node:stream";
import type { Storage } from "@producer/utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coverImage } from "../src/cover-step.js";
import type { Job } from "../src/index.js";
import type { PipelineDeps } from "../src/pipeline.js";
import { createStack, type CoreStack } from "./stack.js";

let harness: CoreStack;
beforeAll(async () => {
  harness = await createStack({ simulator: { songDurationSecs: [2, 3] } });
}, 120_000);
afterAll(() => harness?.close());

const imageCalls = () => harness.site.stats.flow.toolCalls.image__create_image ?? 0;
const imageRuns = () => harness.site.stats.flow.toolRuns.image__create_image ?? 0;
const served = () => harness.site.stats.flow.imagesServed.map((image) => image.sha256);
const ended = (result: unknown): Promise<Job> =>
  harness.service.waitForJob((result as { jobId: string }).jobId, { timeoutMs: 90_000 });

/** The sha256 of what storage holds under `key`. */
async function storedSha256(key: string): Promise<string> {
  const body = (await (harness.service.storage as Storage).open(key)) as Readable;
  const hash = createHash("sha256");
  for await (const chunk of body) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

describe("cover images, on real parts", () => {
  it("createImage makes one image and stores the bytes the site served", async () => {
    const calls = imageCalls();
    const { result } = await harness.service.createImage({ prompt: "a lighthouse in fog", aspect: "16:9" });
    expect(imageCalls() - calls).toBe(1);
    expect(result).toMatchObject({ format: "jpg", sizeBytes: expect.any(Number) });
    expect(served().at(-1)).toBe(result.sha256);
    expect(await storedSha256(String(result.key))).toBe(result.sha256);
    expect((await (harness.service.storage as Storage).head(String(result.key)))?.contentType).toBe("image/jpeg");
  });

  it("refuses a bad aspect with the field named, nothing sent", async () => {
    const calls = imageCalls();
    const bad = await harness.service
      .runTask({ kind: "image.create", prompt: "x", aspect: "4:3" })
      .catch((error: unknown) => error);
    expect(bad).toMatchObject({ code: "INVALID_INPUT", fields: [expect.objectContaining({ path: "aspect" })] });
    expect(imageCalls()).toBe(calls);
  });

  it("an image whose answer was lost is not sent again: GENERATION_MAY_EXIST, not to be retried blindly", async () => {
    const runs = imageRuns();
    harness.site.faults.set("reply-lost", { times: 1 });
    const lost = await harness.service.createImage({ prompt: "a lost answer" }).catch((error: unknown) => error);
    harness.site.faults.clear();
    expect(lost).toMatchObject({ code: "GENERATION_MAY_EXIST", retryable: false, details: { kind: "image.create" } });
    expect(imageRuns() - runs).toBe(1);
  });

  it("a generation with image: true links one stored cover from each track, beside the audio", async () => {
    const calls = imageCalls();
    const job = await ended(await harness.service.generateMusic({ prompt: "a slow waltz", image: true }));
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
    expect(imageCalls() - calls).toBe(1);
    expect(job.tracks.length).toBeGreaterThan(0);
    const [first] = job.tracks;
    for (const track of job.tracks) {
      expect(track).toMatchObject({ imageKey: first?.imageKey, imageUrl: first?.imageUrl, imageError: null });
      expect(path.posix.dirname(String(track.imageKey))).toBe(path.posix.dirname(track.storage.key));
    }
    expect(await storedSha256(String(first?.imageKey))).toBe(served().at(-1));
  });

  it("a cover the site refuses leaves the songs stored: the job succeeds, each track says why, nothing paid", async () => {
    const runs = imageRuns();
    // The song's call passes; the image call's stream answers a moderation error.
    harness.site.faults.set("stream-error", { times: 1, skip: 1 });
    const job = await ended(
      await harness.service.generateMusic({ prompt: "a march", imagePrompt: "something flagged" }),
    );
    harness.site.faults.clear("stream-error");
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
    expect(imageRuns()).toBe(runs);
    for (const track of job.tracks) {
      expect(track).toMatchObject({ imageKey: null, imageUrl: null });
      expect(track.imageError).toMatch(/^GENERATION_FAILED: .*moderation/);
    }
  });

  it("a retry finds the cover stored before, on the tracks or in storage, and never asks the site again", async () => {
    const job = await ended(await harness.service.generateMusic({ prompt: "a lullaby", image: true }));
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
    const [first] = job.tracks;
    // The service's own parts, as its pipeline gets them.
    const deps = harness.service as unknown as PipelineDeps;
    const calls = imageCalls();
    const signal = new AbortController().signal;
    const again = await coverImage({ jobId: job.id, input: job.input as never, account: undefined, signal }, deps);
    expect(again).toEqual({ imageKey: first?.imageKey, imageUrl: first?.imageUrl, imageError: null });
    // Stored but not recorded (a retry after a crash between the two): found in storage by its key.
    const storage = harness.service.storage as Storage;
    const otherJob = "0a0b0c0d-1111-4222-8333-444455556666";
    const key = String(first?.imageKey).replaceAll(job.id, otherJob);
    await storage.put(key, (await storage.open(String(first?.imageKey))) as Readable, { contentType: "image/jpeg" });
    const input = { ...(job.input as object), image: { prompt: "a lullaby" } } as never;
    const found = await coverImage({ jobId: otherJob, input, account: undefined, signal }, deps);
    expect(found).toMatchObject({ imageKey: key, imageError: null });
    expect(imageCalls()).toBe(calls);
  });
});
