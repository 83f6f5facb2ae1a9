import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnifiedProducerAIService, type UnifiedFailure } from "../src/index.js";
import { createLegacyStack, type LegacyStack } from "./stack.js";

let harness: LegacyStack;
const quiet = { downloadPath: null, deprecationWarnings: false } as const;

beforeAll(async () => {
  // The library's song links and the download endpoint drifted: a song whose storage link fails cannot be fetched.
  harness = await createLegacyStack({
    site: { locators: { songLink: 'a[data-song="{id}"]' }, api: { download: "/__api/gone/{clipId}?format={format}" } },
  });
});
afterAll(() => harness?.close());

describe("a request that failed after its submission, on the earlier API", () => {
  it("says its songs can be fetched without paying again, and shows the retry through to completed", async () => {
    const unified = new UnifiedProducerAIService(harness.service, quiet);
    harness.site.faults.set("wav-missing");
    const failed = (await unified.generate_music({ prompt: "paid, then lost on the way down" })) as UnifiedFailure & {
      request_id: string;
    };
    expect(failed).toMatchObject({ success: false, error_type: "QueueGenerationError" });
    const before = await unified.get_request_status(failed.request_id);
    expect(before).toMatchObject({ success: true, status: { status: "failed" } });
    expect((before as { status: { error: string } }).status.error).toContain("nothing is submitted again");
    const calls = harness.site.stats.generations;

    harness.site.faults.clear();
    await harness.service.retry(failed.request_id);
    const during = await unified.get_request_status(failed.request_id);
    expect(["pending", "processing", "completed"]).toContain((during as { status: { status: string } }).status.status);
    await harness.service.waitForJob(failed.request_id, { timeoutMs: 60_000 });
    const after = (await unified.get_request_status(failed.request_id)) as {
      success: true;
      status: { status: string; error: string | null; result: { uploaded_files: unknown[] } | null };
    };
    expect(after.status).toMatchObject({ status: "completed", error: null });
    expect(after.status.result?.uploaded_files).toHaveLength(2);
    expect(harness.site.stats.generations).toBe(calls);
  }, 120_000);
});
