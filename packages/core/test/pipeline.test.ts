import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listFiles } from "@producer/test-utils";
import type { S3Storage } from "@producer/utils";
import type { Job } from "../src/index.js";
import { createStack, type CoreStack } from "./stack.js";

let harness: CoreStack;
beforeAll(async () => {
  harness = await createStack();
});
afterAll(() => harness?.close());
beforeEach(() => harness.resetSite());

describe("the generation pipeline on real parts", () => {
  it("queues a job, runs it to stored tracks and removes the local audio", async () => {
    const seen: string[] = [];
    harness.service.events.on("job", (job: Job) => seen.push(job.status));
    const queued = await harness.service.generateMusic({
      prompt: "Create a happy pop song",
      title: "My New Song",
      projectId: "project_123",
      userId: "user_456",
      useQueue: true,
    });
    expect(queued).toMatchObject({ status: "queued", position: 1, reused: false });
    const job = await harness.service.waitForJob((queued as { jobId: string }).jobId, { timeoutMs: 60_000 });
    expect(job.status).toBe("succeeded");
    expect(job.attempts).toBe(1);
    expect(job.tracks).toHaveLength(2);
    for (const [index, track] of job.tracks.entries()) {
      expect(track).toMatchObject({
        jobId: job.id,
        songIndex: index,
        projectId: "project_123",
        userId: "user_456",
        prompt: "Create a happy pop song",
        format: "wav",
        sampleRate: 44_100,
        channels: 2,
      });
      expect(track.storage.key).toBe(`users/user_456/projects/music-clip/project_123/audio/${job.id}-${index + 1}.wav`);
      expect(track.sha256).toMatch(/^[0-9a-f]{64}$/);
      const head = await (harness.service.storage as S3Storage).head(track.storage.key);
      expect(head?.size).toBe(track.sizeBytes);
      expect(head?.metadata).toMatchObject({
        sha256: track.sha256,
        "job-id": job.id,
        prompt: "Create a happy pop song",
      });
    }
    // An idle worker may take the job before its queued state is read back for watchers: "queued" shows only then.
    expect(seen).toEqual(expect.arrayContaining(["generating", "downloading", "uploading", "recording", "succeeded"]));
    expect(["queued", "generating"]).toContain(seen[0]);
    expect(seen.indexOf("uploading")).toBeLessThan(seen.indexOf("recording"));
    expect(listFiles(harness.config.paths.downloadsDir)).toEqual([]);
    const page = await harness.service.listTracks({ projectId: "project_123" });
    expect(page.tracks.map((track) => track.id).sort()).toEqual(job.tracks.map((track) => track.id).sort());
  });

  it("runs a direct call now and answers with the tracks, under the generic key without user or project", async () => {
    const result = await harness.service.generateMusic({ prompt: "lofi beats", useQueue: false, format: "mp3" });
    expect(result).toMatchObject({ status: "succeeded", completed: true });
    const tracks = (result as { tracks: Array<{ storage: { key: string }; format: string }> }).tracks;
    expect(tracks).toHaveLength(2);
    expect(tracks[0]?.storage.key).toMatch(/^music\/generated\/[0-9a-f-]{36}\/[0-9a-f-]{36}-1\.mp3$/);
    expect(tracks[0]?.format).toBe("mp3");
  });

  it("answers the same job for the same idempotency key and refuses it for other input", async () => {
    const first = await harness.service.generateMusic({ prompt: "once only", idempotencyKey: "order-42" });
    const again = await harness.service.generateMusic({ prompt: "once only", idempotencyKey: "order-42" });
    expect((again as { jobId: string }).jobId).toBe((first as { jobId: string }).jobId);
    expect(again).toMatchObject({ reused: true });
    await expect(
      harness.service.generateMusic({ prompt: "something else", idempotencyKey: "order-42" }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
    });
    await harness.service.waitForJob((first as { jobId: string }).jobId, { timeoutMs: 60_000 });
    expect(harness.site.stats.generations).toBe(1);
  });

  it("refuses bad input with INVALID_INPUT naming every field, and queues nothing", async () => {
    const before = (await harness.service.listJobs()).jobs.length;
    const error = await harness.service
      .generateMusic({ prompt: " ", format: "flac", priority: 1.5, userId: "../etc", extra: 1 } as never)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "INVALID_INPUT" });
    const fields = (error as { fields: Array<{ path: string }> }).fields.map((field) => field.path).sort();
    expect(fields).toEqual(["extra", "format", "priority", "prompt", "userId"]);
    expect((await harness.service.listJobs()).jobs.length).toBe(before);
  });
});
