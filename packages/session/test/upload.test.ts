import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { synthesizeWav } from "@producer/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStack, type SessionStack } from "./stack.js";

let harness: SessionStack;
let folder: string;
let wavPath: string;
const wav = synthesizeWav({ seed: "my own song", durationSecs: 1.5 });

beforeAll(async () => {
  harness = await createStack({ simulator: { songDurationSecs: [2, 3], generationMs: 0, uploadCheckMs: 500 } });
  await harness.session.start();
  folder = await fs.mkdtemp(path.join(os.tmpdir(), "upload-test-"));
  wavPath = path.join(folder, "my demo.wav");
  await fs.writeFile(wavPath, wav);
}, 180_000);
afterAll(async () => {
  await harness?.close();
  if (folder) await fs.rm(folder, { recursive: true, force: true });
});

/** The simulator's clip of that id. */
const clipOf = (id: unknown) => harness.site.flowClips().find((clip: { id: string }) => clip.id === id);

/** The simulator's upload counters and tool calls, copied. */
const counters = () => {
  const { uploads, uploadChecks, vocalRemovals, uploadConfirms, toolCalls } = harness.site.stats.flow;
  return { uploads, uploadChecks, vocalRemovals, uploadConfirms, toolCalls: { ...toolCalls } };
};

describe("uploading one's own audio from inside the warm page", () => {
  it("a WAV is sent once, its check awaited: the answer names a clip of the library holding the uploaded bytes", async () => {
    const before = counters();
    const { result } = await harness.session.runTask({ kind: "upload", filePath: wavPath });
    const after = counters();
    expect(after.uploads - before.uploads).toBe(1);
    expect(after.uploadChecks - before.uploadChecks).toBeGreaterThanOrEqual(2);
    expect(after.toolCalls).toEqual(before.toolCalls);
    expect(result).toMatchObject({ format: "wav", filename: "my demo.wav", hasVocals: false, vocalsRemoved: false });
    const clip = clipOf(result.clipId);
    expect(clip?.title).toBe("my demo");
    const served = await fetch(`${harness.site.storageUrl}/clips/${String(result.clipId)}.wav`);
    expect(Buffer.from(await served.arrayBuffer()).equals(wav)).toBe(true);
  }, 60_000);

  it("an upload answered with `id` instead of `clip_id` names the clip all the same", async () => {
    harness.site.settings.uploadReturn = "id";
    try {
      const { result } = await harness.session.runTask({ kind: "upload", filePath: wavPath, filename: "other.wav" });
      expect(clipOf(result.clipId)?.title).toBe("other");
    } finally {
      harness.site.settings.uploadReturn = "clip_id";
    }
  }, 60_000);

  for (const [fault, reason] of [
    ["upload-protected", "protected content"],
    ["upload-lyrics-moderation", "lyrics moderation"],
    ["upload-vocals", "vocals not allowed"],
  ] as const) {
    it(`${fault}: UPLOAD_REFUSED "${reason}", and no call after the check`, async () => {
      harness.site.faults.set(fault, { times: 1 });
      const before = counters();
      await expect(harness.session.runTask({ kind: "upload", filePath: wavPath })).rejects.toMatchObject({
        code: "UPLOAD_REFUSED",
        details: { reason },
      });
      const after = counters();
      expect(after.uploads - before.uploads).toBe(1);
      expect(after.vocalRemovals).toBe(before.vocalRemovals);
      expect(after.uploadConfirms).toBe(before.uploadConfirms);
      expect(after.toolCalls).toEqual(before.toolCalls);
    }, 60_000);
  }

  it("vocals with removeVocals: they are removed once and the new clip answered", async () => {
    harness.site.faults.set("upload-vocals", { times: 1 });
    const before = counters();
    const { result } = await harness.session.runTask({ kind: "upload", filePath: wavPath, removeVocals: true });
    expect(counters().vocalRemovals - before.vocalRemovals).toBe(1);
    expect(result).toMatchObject({ hasVocals: true, vocalsRemoved: true });
    expect(result.clipId).not.toBe(result.uploadedClipId);
    expect(clipOf(result.clipId)?.parentId).toBe(result.uploadedClipId);
  }, 60_000);

  it("vocals removed without a new id answered: the upload's own clip is the answer", async () => {
    harness.site.faults.set("upload-vocals", { times: 1 });
    harness.site.settings.removeVocalsReturn = "none";
    try {
      const before = counters();
      const { result } = await harness.session.runTask({ kind: "upload", filePath: wavPath, removeVocals: true });
      expect(counters().vocalRemovals - before.vocalRemovals).toBe(1);
      expect(result).toMatchObject({ hasVocals: true, vocalsRemoved: true });
      expect(result.clipId).toBe(result.uploadedClipId);
      expect(clipOf(result.clipId)?.title).toBe("my demo");
    } finally {
      harness.site.settings.removeVocalsReturn = "new-clip";
    }
  }, 60_000);

  it('a check that ends "failed" is UPLOAD_REFUSED with that status, and nothing follows it', async () => {
    harness.site.faults.set("upload-check-failed", { times: 1 });
    const before = counters();
    await expect(
      harness.session.runTask({ kind: "upload", filePath: wavPath, removeVocals: true }),
    ).rejects.toMatchObject({ code: "UPLOAD_REFUSED", details: { reason: 'the check ended "failed"' } });
    const after = counters();
    expect(after.uploads - before.uploads).toBe(1);
    expect(after.vocalRemovals).toBe(before.vocalRemovals);
    expect(after.uploadConfirms).toBe(before.uploadConfirms);
  }, 60_000);

  it("vocals with keepVocals: the upload is confirmed once with the check's flags, and kept with its vocals", async () => {
    harness.site.faults.set("upload-vocals", { times: 1 });
    const before = counters();
    const { result } = await harness.session.runTask({ kind: "upload", filePath: wavPath, keepVocals: true });
    const after = counters();
    expect(after.uploadConfirms - before.uploadConfirms).toBe(1);
    expect(after.vocalRemovals).toBe(before.vocalRemovals);
    expect(after.toolCalls).toEqual(before.toolCalls);
    expect(result).toMatchObject({ hasVocals: true, vocalsKept: true, vocalsRemoved: false });
    expect(result.uploadedClipId).toBeUndefined();
    // The simulator keeps an upload with vocals only once it is confirmed: the clip exists because of the call.
    expect(clipOf(result.clipId)?.title).toBe("my demo");
    const served = await fetch(`${harness.site.storageUrl}/clips/${String(result.clipId)}.wav`);
    expect(Buffer.from(await served.arrayBuffer()).equals(wav)).toBe(true);
  }, 60_000);

  it("keepVocals on an upload without vocals sends no confirm: the clean upload is answered as it is", async () => {
    const before = counters();
    const { result } = await harness.session.runTask({ kind: "upload", filePath: wavPath, keepVocals: true });
    expect(counters().uploadConfirms).toBe(before.uploadConfirms);
    expect(result).toMatchObject({ hasVocals: false, vocalsKept: false, vocalsRemoved: false });
    expect(clipOf(result.clipId)).toBeDefined();
  }, 60_000);

  it('a confirm the site refuses is UPLOAD_REFUSED "vocals not allowed" with the site\'s reason', async () => {
    harness.site.faults.set("upload-vocals", { times: 1 });
    harness.site.faults.set("upload-confirm-refused", { times: 1 });
    const before = counters();
    const refusal = await harness.session.runTask({ kind: "upload", filePath: wavPath, keepVocals: true }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toMatchObject({
      code: "UPLOAD_REFUSED",
      details: { reason: "vocals not allowed", httpStatus: 422, siteReason: "Uploads with vocals are not allowed" },
    });
    const after = counters();
    expect(after.uploads - before.uploads).toBe(1);
    expect(after.uploadConfirms).toBe(before.uploadConfirms);
    expect(after.vocalRemovals).toBe(before.vocalRemovals);
    const { clipId } = (refusal as { details: { clipId: string } }).details;
    expect(clipOf(clipId)).toBeUndefined();
  }, 60_000);

  it("keepVocals with removeVocals is INVALID_INPUT, and nothing is sent", async () => {
    const before = counters();
    await expect(
      harness.session.runTask({ kind: "upload", filePath: wavPath, keepVocals: true, removeVocals: true }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", details: { fields: [{ path: "keepVocals" }] } });
    expect(counters()).toEqual(before);
  });

  it("the upload's answers, facts-shaped, show no drift against the profile's shapes", () => {
    expect(Object.keys(harness.session.shapeDrift.checked())).toEqual(
      expect.arrayContaining(["api.uploadAudio", "api.uploadCheck", "api.uploadRemoveVocals", "api.uploadConfirm"]),
    );
    expect(harness.session.shapeDrift.entries().filter((entry) => entry.endpoint.includes("upload"))).toEqual([]);
  });

  it("a file that is no audio is INVALID_INPUT, and nothing is sent", async () => {
    const textPath = path.join(folder, "notes.mp3");
    await fs.writeFile(textPath, "these are my notes, not a song\n");
    const before = counters();
    await expect(harness.session.runTask({ kind: "upload", filePath: textPath })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    expect(counters()).toEqual(before);
  });
});
