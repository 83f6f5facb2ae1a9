import { ProducerClient } from "@producer/core/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestDaemon, type TestDaemon } from "./process-harness.js";

const TOKEN = "shape-drift-token-0123456789abcdef";
let daemon: TestDaemon;
beforeAll(async () => {
  daemon = await startTestDaemon({ name: "shape-drift", token: TOKEN, simulator: { generationMs: 500 } });
}, 60_000);
afterAll(() => daemon?.close());

describe("answers that drift from the profile's shapes", () => {
  it("are counted in /metrics by endpoint and field and logged once, and the job still succeeds", async () => {
    // The song's tool-return gains a field and loses one the driver does not need.
    daemon.site.faults.set("answer-drift", { paths: ["/__api/messages/"] });
    const client = new ProducerClient({ baseUrl: daemon.baseUrl, token: TOKEN });
    const result = await client.generateMusic({ prompt: "a drifted answer", useQueue: false });
    if (!("job" in result)) throw new Error("expected a direct result");
    expect(result.job.status).toBe("succeeded");
    expect(result.tracks).toHaveLength(2);

    const response = await fetch(`${daemon.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const metrics = await response.text();
    expect(metrics).toContain("# TYPE producer_site_shape_drift_total counter");
    const endpoint = 'endpoint="toolReturn.audio__create_song"';
    expect(metrics).toContain(`producer_site_shape_drift_total{${endpoint},field="drift_field"} 1`);
    expect(metrics).toContain(`producer_site_shape_drift_total{${endpoint},field="estimated_time"} 1`);
    // Nothing else drifted: every other answer is as the facts describe it.
    expect(metrics.match(/^producer_site_shape_drift_total\{/gm)).toHaveLength(2);

    const warnings = daemon.log
      .join("")
      .split("\n")
      .filter((line) => line.includes('"endpoint":"toolReturn.audio__create_song"'));
    expect(warnings).toHaveLength(2);
    expect(warnings.join("\n")).toContain('"field":"drift_field"');
    expect(warnings.join("\n")).not.toContain("added by the answer-drift fault");
  }, 120_000);
});
