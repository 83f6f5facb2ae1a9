import type { ProducerBackend } from "@producer/core";
import { ProducerClient } from "@producer/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ProducerIntegration, ProducerMusicClipService } from "../src/index.js";
import { golden, normalize } from "./golden.js";
import { createLegacyStack, type LegacyStack } from "./stack.js";

let harness: LegacyStack;
let integration: ProducerIntegration;
let clips: ProducerMusicClipService;
beforeAll(async () => {
  harness = await createLegacyStack();
  integration = new ProducerIntegration(harness.service);
  clips = new ProducerMusicClipService(harness.service);
});
afterAll(() => harness?.close());
beforeEach(() => harness.site.faults.clear());

// Both backends satisfy the interface the wrappers take (checked by the compiler).
const backends: ProducerBackend[] = [new ProducerClient({ socketPath: "/nonexistent.sock" })];

describe("the earlier result shapes, exactly", () => {
  it("direct generation", async () => {
    const result = await integration.generate_music({
      prompt: "Create a happy pop song",
      title: "My New Song",
      project_id: "project_123",
      user_id: "user_456",
      use_queue: false,
    });
    expect(normalize(result)).toEqual(golden("direct-success", result));
  });

  it("queue submission, request status while pending and once completed, queue status", async () => {
    const submission = await integration.submit_request({
      prompt: "queued song",
      project_id: "project_123",
      user_id: "user_456",
    });
    expect(normalize(submission)).toEqual(golden("queue-submission", submission));
    const requestId = (submission as { request_id: string }).request_id;
    const finished = await integration.wait_for_request(requestId, 60);
    expect(normalize(finished)).toEqual(golden("request-status-completed", finished));
    const queue = await integration.get_queue_status();
    expect(Object.keys(queue).sort()).toEqual(
      [
        "success",
        "queue_size",
        "pending",
        "processing",
        "completed",
        "failed",
        "cancelled",
        "paused",
        "pause_reason",
      ].sort(),
    );
    expect(queue).toMatchObject({ success: true, paused: false, pause_reason: null, completed: expect.any(Number) });
  });

  it("a cancelled request", async () => {
    await harness.close();
    harness = await createLegacyStack();
    integration = new ProducerIntegration(harness.service);
    clips = new ProducerMusicClipService(harness.service);
    // Nothing claims while the session is expired and the queue paused: the request stays pending.
    harness.site.expireSessions();
    const first = await integration.submit_request({ prompt: "blocker" });
    const second = await integration.submit_request({ prompt: "cancel me" });
    const pending = await integration.get_request_status((second as { request_id: string }).request_id);
    expect(pending).toMatchObject({ success: true, status: "pending", result: null });
    const cancelled = await integration.cancel_request((second as { request_id: string }).request_id);
    expect(normalize(cancelled)).toEqual(golden("cancel-result", cancelled));
    const status = await integration.get_request_status((second as { request_id: string }).request_id);
    expect(normalize(status)).toEqual(golden("request-status-cancelled", status));
    await integration.cancel_request((first as { request_id: string }).request_id);
  });

  it("failures, never thrown", async () => {
    const invalid = await integration.generate_music({ prompt: "", use_queue: false });
    expect(normalize(invalid)).toEqual(golden("failure-invalid-input", invalid));
    const missing = await integration.get_request_status("00000000-0000-4000-8000-000000000000");
    expect(normalize(missing)).toEqual(golden("failure-not-found", missing));
    const noProject = await clips.generate_music_clip({ prompt: "a clip" });
    expect(noProject).toEqual({
      success: false,
      error: "project_id and user_id are required for a music clip.",
      generation_id: null,
    });
    const nullParams = await integration.generate_music(null as never);
    expect(nullParams).toMatchObject({ success: false });
  });
});

describe("the same scenario through the old and the new API", () => {
  it("agrees: same songs, same formats, same durations, same key layout", async () => {
    await harness.close();
    harness = await createLegacyStack();
    clips = new ProducerMusicClipService(harness.service);
    const prompt = "A calm piano piece for the credits";
    const old = await clips.generate_music_clip({
      prompt,
      title: "Credits",
      project_id: "p-9",
      user_id: "u-9",
      format: "mp3",
    });
    const fresh = await harness.service.generateMusic({
      prompt,
      title: "Credits",
      projectId: "p-9",
      userId: "u-9",
      format: "mp3",
      useQueue: false,
    });
    expect(old.success).toBe(true);
    const oldFiles = (
      old as {
        uploaded_files: Array<{
          s3_key: string;
          file_metadata: { title: string; duration: number; format: string; channels: number };
        }>;
      }
    ).uploaded_files;
    const newTracks = (
      fresh as {
        tracks: Array<{
          storage: { key: string };
          title: string;
          durationSecs: number;
          format: string;
          channels: number;
        }>;
      }
    ).tracks;
    expect(
      oldFiles.map((file) => [file.file_metadata.title, file.file_metadata.format, file.file_metadata.channels]),
    ).toEqual(newTracks.map((track) => [track.title, track.format, track.channels]));
    for (const [index, file] of oldFiles.entries()) {
      expect(file.file_metadata.duration).toBeCloseTo(newTracks[index]?.durationSecs ?? 0, 1);
      expect(file.s3_key).toMatch(/^users\/u-9\/projects\/music-clip\/p-9\/audio\/[0-9a-f-]{36}-\d\.mp3$/);
      expect(newTracks[index]?.storage.key).toMatch(
        /^users\/u-9\/projects\/music-clip\/p-9\/audio\/[0-9a-f-]{36}-\d\.mp3$/,
      );
    }
    const again = await clips.get_generation((old as { generation_id: string }).generation_id);
    expect(again).toEqual(old);
  });

  it("maps an engine error to the old failure shape", async () => {
    harness.site.faults.set("http-500");
    const failed = await clips.generate_music_clip({ prompt: "site down", project_id: "p", user_id: "u" });
    expect(failed).toMatchObject({ success: false, generation_id: expect.any(String) });
    expect((failed as { error: string }).error).toMatch(/^UNAVAILABLE: ProducerAI answered HTTP 500/);
    expect(backends).toHaveLength(1);
  });
});
