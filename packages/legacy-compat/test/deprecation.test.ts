import { describe, expect, it } from "vitest";
import { ProducerIntegration } from "../src/index.js";
import { downBackend as down } from "./down-backend.js";

describe("deprecation warnings", () => {
  it("come once per process per method, with a code, naming the new call", async () => {
    const warnings: Array<Error & { code?: string }> = [];
    const listener = (warning: Error) => warnings.push(warning);
    process.on("warning", listener);
    try {
      const integration = new ProducerIntegration(down);
      for (let round = 0; round < 3; round += 1) {
        expect(await integration.generate_music({ prompt: "x" })).toEqual({
          success: false,
          error: "UNAVAILABLE: The producer daemon is not running.",
          request_id: null,
        });
        await integration.get_queue_status();
      }
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", listener);
    }
    expect(warnings.map((warning) => warning.code)).toEqual([
      "PRODUCER_DEP_PRODUCERINTEGRATION_GENERATE_MUSIC",
      "PRODUCER_DEP_PRODUCERINTEGRATION_GET_QUEUE_STATUS",
    ]);
    expect(warnings[0]?.name).toBe("DeprecationWarning");
    expect(warnings[0]?.message).toContain("producer.generateMusic(");
  });
});
