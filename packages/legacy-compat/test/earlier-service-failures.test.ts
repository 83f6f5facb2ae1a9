import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ProducerAIMusicClipService,
  ProducerAIService,
  UnifiedProducerAIService,
  type UnifiedFailure,
} from "../src/index.js";
import { checkDocumented } from "./documented-fields.js";
import { downBackend } from "./down-backend.js";
import { golden, normalize } from "./golden.js";
import { createLegacyStack, type LegacyStack } from "./stack.js";

let harness: LegacyStack;
const quiet = { downloadPath: null, deprecationWarnings: false } as const;

beforeAll(async () => {
  harness = await createLegacyStack();
});
afterAll(() => harness?.close());

function expectFailure(result: unknown, errorType: UnifiedFailure["error_type"]): UnifiedFailure {
  expect(checkDocumented("unified-failure", result)).toEqual([]);
  expect((result as UnifiedFailure).error_type).toBe(errorType);
  if ("method" in (result as object)) expect(checkDocumented("unified-failure-method", result)).toEqual([]);
  return result as UnifiedFailure;
}

/** The job the service has queued for `prompt`, once it shows. */
async function queuedJob(prompt: string): Promise<string> {
  for (;;) {
    const { jobs } = await harness.service.listJobs({ status: "queued", limit: 50 });
    const job = jobs.find((candidate) => candidate.input.prompt === prompt);
    if (job) return job.id;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves once the worker met the expired session and paused the queue. */
async function queuePaused(): Promise<void> {
  while (!(await harness.service.status()).paused) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe("failures come back as values, with the earlier error types", () => {
  it("GenerationError for a request the engine refuses; QueueError when the queue cannot take it", async () => {
    const unified = new UnifiedProducerAIService(harness.service, quiet);
    const invalid = expectFailure(await unified.generate_music("   "), "GenerationError");
    expect(invalid.error).toMatch(/^INVALID_INPUT: /);
    expect(expectFailure(await unified.generate_music(null as never), "GenerationError").method).toBe(
      "producer_ai_unified",
    );

    const down = expectFailure(
      await new UnifiedProducerAIService(downBackend, quiet).generate_music("a song"),
      "QueueError",
    );
    expect(normalize(down)).toEqual(golden("unified-failure-queue", down));
  });

  it("QueueGenerationError and DirectGenerationError when the site fails the song, each after one submission", async () => {
    const unified = new UnifiedProducerAIService(harness.service, quiet);
    harness.site.faults.set("song-failed");
    try {
      let before = harness.site.stats.generations;
      const queued = expectFailure(
        await unified.generate_music("fails in the queue", null, false, null, "p", "u"),
        "QueueGenerationError",
      );
      expect(queued).toMatchObject({
        method: "producer_ai_queue",
        prompt: "fails in the queue",
        request_id: expect.any(String),
      });
      expect(harness.site.stats.generations).toBe(before + 1);
      before = harness.site.stats.generations;
      const direct = expectFailure(
        await unified.generate_music({ prompt: "fails directly", use_queue: false }),
        "DirectGenerationError",
      );
      expect(direct.method).toBe("producer_ai_direct");
      expect(harness.site.stats.generations).toBe(before + 1);
      expect(normalize(direct)).toEqual(golden("unified-failure-direct", direct));
    } finally {
      harness.site.faults.clear();
    }
  });

  it("TimeoutError past the wait and CancellationError when the request is cancelled; nothing submitted", async () => {
    harness.site.expireSessions();
    const before = harness.site.stats.generations;
    const impatient = new ProducerAIMusicClipService(harness.service, { ...quiet, waitTimeoutSecs: 1 });
    const late = expectFailure(
      await impatient.generate_music_for_clip("waits too long", null, false, null, "p", "u"),
      "TimeoutError",
    );
    expect(late).toMatchObject({ method: "producer_ai_queue", request_id: expect.any(String) });
    // On a busy machine the wait can run out before the worker took the job; the queue pauses once it has.
    await queuePaused();
    await harness.service.cancel(late.request_id as string);

    const unified = new UnifiedProducerAIService(harness.service, quiet);
    const pending = unified.generate_music("cancel me", null, false, null, "p", "u");
    await harness.service.cancel(await queuedJob("cancel me"));
    const cancelled = expectFailure(await pending, "CancellationError");
    expect(normalize(cancelled)).toEqual(golden("unified-failure-cancelled", cancelled));
    expect(harness.site.stats.generations).toBe(before);

    const session = await unified.get_session_status();
    expect(session).toMatchObject({
      is_authenticated: false,
      status: "not_authenticated",
      error_code: "SESSION_EXPIRED",
    });
  });

  it("the automation, the session and the files answer their own failure shapes", async () => {
    const automation = new ProducerAIService(downBackend, quiet);
    const failed = await automation.generate_music("a song");
    expect(checkDocumented("automation-failure", failed)).toEqual([]);
    expect(normalize(failed)).toEqual(golden("automation-failure", failed));
    const session = await automation.get_session_status();
    expect(checkDocumented("session-status-error", session)).toEqual([]);
    expect(session).toEqual({ error: "UNAVAILABLE: The producer daemon is not running.", is_authenticated: false });
    expect(await automation.get_available_files()).toEqual([]);
    expect(await automation.serve_file("00000000-0000-4000-8000-000000000000-1.wav")).toBeNull();
    expect(await automation.get_request_status("x")).toEqual({
      success: false,
      error: "UNAVAILABLE: The producer daemon is not running.",
    });
  });
});
