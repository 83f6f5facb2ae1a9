import { createHash } from "node:crypto";
import fs from "node:fs";
import type { SubmissionRecord } from "@producer/utils";
import { describe, expect, it } from "vitest";
import { imageFormatOf } from "../src/tasks/image.js";
import { stackForFile } from "./stack.js";
import { countsSince, toolCounts } from "./tool-calls.js";

const harness = stackForFile({ simulator: { songDurationSecs: [2, 3], generationMs: 0 } });
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("an image from inside the warm page", () => {
  it("image.create sends image__create_image once and fetches its jpg: the bytes the site served", async () => {
    const before = toolCounts(harness);
    const served = harness.site.stats.flow.imagesServed.length;
    const records: SubmissionRecord[] = [];
    const { result } = await harness.session.runTask(
      { kind: "image.create", prompt: "a neon city at night", aspect: "16:9" },
      { onSubmission: async (record) => void records.push({ ...record }) },
    );
    const after = toolCounts(harness);
    expect(countsSince(before.calls, after.calls)).toEqual({ image__create_image: 1 });
    expect(countsSince(before.runs, after.runs)).toEqual({ image__create_image: 1 });
    expect(records.filter((record) => record.state === "accepted")).toHaveLength(1);
    expect(result).toMatchObject({ format: "jpg", imageUrl: expect.stringMatching(/\/images\/made\/.+\.jpg$/) });
    const bytes = fs.readFileSync(String(result.filePath));
    expect(imageFormatOf(bytes)).toBe("jpg");
    const servedNow = harness.site.stats.flow.imagesServed.slice(served);
    expect(servedNow.map((image) => image.sha256)).toEqual([sha256(bytes)]);
    // Another image is other bytes.
    const second = await harness.session.runTask({ kind: "image.create", prompt: "a quiet forest" });
    expect(sha256(fs.readFileSync(String(second.result.filePath)))).not.toBe(sha256(bytes));
    // The facts-shaped answer was checked against the profile's shape and showed no drift.
    expect(Object.keys(harness.session.shapeDrift.checked())).toContain("toolReturn.image__create_image");
    expect(harness.session.shapeDrift.entries()).toEqual([]);
  });

  it("a drifted answer is counted as drift by field, and the image is still made", async () => {
    harness.site.faults.set("answer-drift", { times: 1, paths: ["/__api/messages/"] });
    const { result } = await harness.session.runTask({ kind: "image.create", prompt: "a drifting boat" });
    expect(result.format).toBe("jpg");
    expect(harness.session.shapeDrift.entries()).toEqual([
      expect.objectContaining({ endpoint: "toolReturn.image__create_image", field: "drift_field", kind: "unknown" }),
    ]);
  });

  it("tells JPEG and PNG by their first bytes, and nothing else", () => {
    expect(imageFormatOf(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe("jpg");
    expect(imageFormatOf(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d]))).toBe("png");
    expect(imageFormatOf(Buffer.from("<svg xmlns="))).toBeUndefined();
    expect(imageFormatOf(Buffer.from("ID3"))).toBeUndefined();
  });

  it("a moderation refusal is GENERATION_FAILED and a 402 QUOTA_EXHAUSTED: 0 paid runs, no image fetched", async () => {
    const before = toolCounts(harness);
    const served = harness.site.stats.flow.imagesServed.length;
    harness.site.faults.set("stream-error", { times: 1 });
    await expect(harness.session.runTask({ kind: "image.create", prompt: "something flagged" })).rejects.toMatchObject({
      code: "GENERATION_FAILED",
      details: expect.objectContaining({ errorType: "moderation" }),
    });
    harness.site.faults.set("quota-exhausted", { times: 1 });
    await expect(harness.session.runTask({ kind: "image.create", prompt: "a paid image" })).rejects.toMatchObject({
      code: "QUOTA_EXHAUSTED",
    });
    expect(countsSince(before.calls, toolCounts(harness).calls)).toEqual({ image__create_image: 2 });
    expect(countsSince(before.runs, toolCounts(harness).runs)).toEqual({});
    expect(harness.site.stats.flow.imagesServed.length).toBe(served);
  });

  it("a 429 is waited out: two calls, one image made", async () => {
    harness.site.settings.busyRetryAfterSecs = 1;
    harness.site.faults.set("busy", { times: 1 });
    const before = toolCounts(harness);
    const { result } = await harness.session.runTask({ kind: "image.create", prompt: "a calm sea", aspect: "9:16" });
    expect(result.format).toBe("jpg");
    expect(countsSince(before.calls, toolCounts(harness).calls)).toEqual({ image__create_image: 2 });
    expect(countsSince(before.runs, toolCounts(harness).runs)).toEqual({ image__create_image: 1 });
  });

  it("an answer lost after the site took the call is not sent again: said so, one run", async () => {
    harness.site.faults.set("reply-lost", { times: 1 });
    const before = toolCounts(harness);
    const failed = await harness.session
      .runTask({ kind: "image.create", prompt: "a lost reply" })
      .catch((error: unknown) => error);
    expect(failed).toMatchObject({ code: "UNAVAILABLE", details: expect.objectContaining({ answerLost: true }) });
    expect(countsSince(before.calls, toolCounts(harness).calls)).toEqual({ image__create_image: 1 });
    expect(countsSince(before.runs, toolCounts(harness).runs)).toEqual({ image__create_image: 1 });
  });
});
