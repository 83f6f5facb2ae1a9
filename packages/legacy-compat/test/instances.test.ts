import path from "node:path";
import { createTeardown } from "@producer/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import * as legacy from "../src/index.js";
import { checkDocumented } from "./documented-fields.js";

const teardown = createTeardown();
afterEach(() => teardown.run());

describe("the earlier module-level instances", () => {
  it("exist with the earlier names and classes, and answer failures as values when no daemon runs", async () => {
    const dir = teardown.tempDir("producer-legacy-instances-");
    process.env.PRODUCER_DAEMON_SOCKET_PATH = path.join(dir, "nobody.sock");
    process.env.PRODUCER_AI_DOWNLOAD_PATH = path.join(dir, "downloads");
    try {
      expect(legacy.producer_service).toBeInstanceOf(legacy.ProducerAIService);
      expect(legacy.producer_music_clip_service).toBeInstanceOf(legacy.ProducerAIMusicClipService);
      expect(legacy.unified_producer_service).toBeInstanceOf(legacy.UnifiedProducerAIService);
      const automation = await legacy.producer_service.generate_music("Create a happy pop song", "My New Song");
      expect(checkDocumented("automation-failure", automation)).toEqual([]);
      expect((automation as { error: string }).error).toMatch(/^UNAVAILABLE: Cannot reach the producer daemon/);
      const queued = await legacy.unified_producer_service.generate_music("Create a happy pop song");
      expect(queued).toMatchObject({ success: false, error_type: "QueueError", method: "producer_ai_queue" });
      const clip = await legacy.producer_music_clip_service.generate_music_for_clip({
        prompt: "x",
        project_id: "p",
        user_id: "u",
      });
      expect(clip).toMatchObject({ success: false, error_type: "QueueError" });
      expect(await legacy.producer_music_clip_service.get_session_status()).toMatchObject({ is_authenticated: false });
      expect(await legacy.producer_music_clip_service.cleanup_local_files("clip_1")).toBe(true);
    } finally {
      delete process.env.PRODUCER_DAEMON_SOCKET_PATH;
      delete process.env.PRODUCER_AI_DOWNLOAD_PATH;
    }
  });

  it("keeps the earlier exception classes", () => {
    const error = new legacy.S3UploadError("upload failed");
    expect(error).toBeInstanceOf(legacy.ProducerAIError);
    expect(new legacy.GenerationError("x")).toBeInstanceOf(legacy.ProducerAIError);
    expect(error.name).toBe("S3UploadError");
  });
});
