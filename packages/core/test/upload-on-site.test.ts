import fs from "node:fs/promises";
import os from "node:os";
import { Readable } from "node:stream";
import { synthesizeWav } from "@producer/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStack, type CoreStack } from "./stack.js";

let harness: CoreStack;
beforeAll(async () => {
  harness = await createStack({ simulator: { songDurationSecs: [2, 3], uploadCheckMs: 300 } });
}, 120_000);
afterAll(() => harness?.close());

const wav = synthesizeWav({ seed: "streamed upload", durationSecs: 1 });
/** The service's folders for an upload's bytes, left in the system's temp dir. */
const uploadFolders = async () => (await fs.readdir(os.tmpdir())).filter((name) => name.startsWith("producer-upload-"));

describe("uploadAudio on the service, on real parts", () => {
  it("takes a stream: its bytes become the clip's audio, its temp file is gone after; a cover of the clip runs", async () => {
    const before = await uploadFolders();
    const { result } = await harness.service.uploadAudio({ file: Readable.from([wav]), filename: "streamed.wav" });
    expect(result).toMatchObject({ format: "wav", filename: "streamed.wav", vocalsRemoved: false });
    expect(await uploadFolders()).toEqual(before);
    const served = await fetch(`${harness.site.storageUrl}/clips/${result.clipId}.wav`);
    expect(Buffer.from(await served.arrayBuffer()).equals(wav)).toBe(true);

    const queued = await harness.service.operate({
      source: { clipId: result.clipId },
      operation: { kind: "cover", prompt: "as a brass band" },
    });
    const job = await harness.service.waitForJob((queued as { jobId: string }).jobId, { timeoutMs: 90_000 });
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
    expect(job.tracks[0]).toMatchObject({ operation: "cover", sourceClipId: result.clipId });
    for (const track of job.tracks) expect(track.sha256).toBe(harness.site.servedSha256(String(track.clipId), "wav"));
  }, 120_000);

  it("keepVocals: a song with vocals is confirmed once, nothing removed, and the kept clip is a source for stems", async () => {
    harness.site.faults.set("upload-vocals", { times: 1 });
    const flow = harness.site.stats.flow;
    const before = { confirms: flow.uploadConfirms, removals: flow.vocalRemovals };
    const { result } = await harness.service.uploadAudio({ file: wav, filename: "sung.wav", keepVocals: true });
    expect(result).toMatchObject({ hasVocals: true, vocalsKept: true, vocalsRemoved: false, filename: "sung.wav" });
    expect(flow.uploadConfirms - before.confirms).toBe(1);
    expect(flow.vocalRemovals).toBe(before.removals);

    const queued = await harness.service.operate({ source: { clipId: result.clipId }, operation: { kind: "stems" } });
    const job = await harness.service.waitForJob((queued as { jobId: string }).jobId, { timeoutMs: 90_000 });
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
    expect(job.tracks[0]).toMatchObject({ sourceClipId: result.clipId });
  }, 120_000);

  it("keepVocals with removeVocals is INVALID_INPUT, and nothing is sent", async () => {
    const uploads = harness.site.stats.flow.uploads;
    await expect(
      harness.service.uploadAudio({ file: wav, keepVocals: true, removeVocals: true }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect(harness.site.stats.flow.uploads).toBe(uploads);
  }, 60_000);

  it("an uploaded clip seeds a new song as its reference: one chat about it, the songs stored with their lineage", async () => {
    const { result } = await harness.service.uploadAudio({ file: wav, filename: "hum.wav" });
    const chats = harness.site.stats.flow.chatsAboutSongs.length;
    const queued = await harness.service.generateMusic({
      prompt: "a string quartet",
      referenceClipId: result.clipId,
      instrumental: true,
      userId: "u1",
      projectId: "p1",
    });
    const job = await harness.service.waitForJob((queued as { jobId: string }).jobId, { timeoutMs: 90_000 });
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
    expect(harness.site.stats.flow.chatsAboutSongs.slice(chats)).toEqual([
      {
        content:
          "Make a song with my uploaded audio as the reference track. Sound: a string quartet\nInstrumental, no vocals.",
        clipId: result.clipId,
        songQueue: [result.clipId],
      },
    ]);
    expect(job.tracks.length).toBeGreaterThan(0);
    for (const track of job.tracks) {
      expect(track).toMatchObject({ operation: "reference", sourceClipId: result.clipId });
      expect(track.clipId).not.toBe(result.clipId);
      expect(track.sha256).toBe(harness.site.servedSha256(String(track.clipId), "wav"));
    }
  }, 120_000);

  it("a Buffer the site refuses is UPLOAD_REFUSED, and its temp file is gone all the same", async () => {
    harness.site.faults.set("upload-lyrics-moderation", { times: 1 });
    const before = await uploadFolders();
    await expect(harness.service.uploadAudio({ file: wav })).rejects.toMatchObject({
      code: "UPLOAD_REFUSED",
      details: { reason: "lyrics moderation" },
    });
    expect(await uploadFolders()).toEqual(before);
  }, 60_000);
});
