import { PassThrough } from "node:stream";
import { loadConfig } from "@producer/config";
import { ProducerService } from "@producer/core";
import { createTeardown } from "@producer/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import { createApp, createDaemonLogger } from "../src/index.js";

const teardown = createTeardown();
afterEach(() => teardown.run());

describe("daemon logs", () => {
  it("carry the request id of each request and never a secret", async () => {
    const dir = teardown.tempDir("producer-logs-");
    const token = "a-very-secret-daemon-token";
    const lines: Array<Record<string, unknown>> = [];
    const stream = new PassThrough();
    stream.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n").filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
    });
    const { config } = loadConfig({
      env: {},
      configFile: false,
      overrides: { paths: { dataDir: dir }, daemon: { token } },
    });
    const service = await ProducerService.create({ config });
    teardown.add(() => service.close({ graceMs: 0 }));
    const app = createApp({ config, service, logger: createDaemonLogger("debug", stream) });
    const response = await app.request("/v1/generations", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "x-request-id": "req-123" },
      body: JSON.stringify({ prompt: "", webhookUrl: `http://user:${token}@127.0.0.1/hook?token=${token}` }),
    });
    expect(response.status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const mine = lines.filter((line) => line.requestId === "req-123");
    expect(mine.length).toBeGreaterThanOrEqual(2); // the refusal and the request line
    expect(mine.some((line) => line.code === "INVALID_INPUT")).toBe(true);
    expect(JSON.stringify(lines)).not.toContain(token);
  });

  it("redacts secrets by key and by pattern before they are written", async () => {
    const chunks: string[] = [];
    const stream = new PassThrough();
    stream.on("data", (chunk: Buffer) => chunks.push(chunk.toString()));
    const logger = createDaemonLogger("info", stream).child({ component: "test" });
    logger.info(
      {
        headers: { authorization: "Bearer abc.def.ghi" },
        cookie: "sb-x-auth-token=cookie-value",
        aws: { secretAccessKey: "wJalrXUtnFEMI" },
      },
      "retrying with Bearer live-token-123 and key AKIAIOSFODNN7EXAMPLE",
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const written = chunks.join("");
    expect(written).toContain('"component":"test"');
    for (const secret of ["abc.def.ghi", "cookie-value", "wJalrXUtnFEMI", "live-token-123", "AKIAIOSFODNN7EXAMPLE"]) {
      expect(written).not.toContain(secret);
    }
    expect(written).toContain("[redacted]");
  });

  it("writes each key once per line, nesting components", async () => {
    const chunks: string[] = [];
    const stream = new PassThrough();
    stream.on("data", (chunk: Buffer) => chunks.push(chunk.toString()));
    const logger = createDaemonLogger("info", stream)
      .child({ component: "service", jobId: "a" })
      .child({ component: "worker", jobId: "b" });
    logger.info({ attempt: 1 }, "job started");
    await new Promise((resolve) => setTimeout(resolve, 50));
    const line = chunks.join("").trim();
    for (const key of ["component", "jobId", "name", "msg"]) expect(line.split(`"${key}":`).length - 1, key).toBe(1);
    expect(JSON.parse(line)).toMatchObject({ component: "service/worker", jobId: "b", attempt: 1 });
  });

  it("redacts only the lines that will be written: a line below the level is never walked", async () => {
    const chunks: string[] = [];
    const stream = new PassThrough();
    stream.on("data", (chunk: Buffer) => chunks.push(chunk.toString()));
    const logger = createDaemonLogger("info", stream).child({ component: "test" });
    let reads = 0;
    const watched = {
      get detail() {
        reads += 1;
        return "password=hunter2";
      },
    };
    logger.debug(watched, "below the level");
    logger.trace({ watched }, "below the level too");
    expect(reads).toBe(0);
    logger.info(watched, "written");
    expect(reads).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const written = chunks.join("");
    expect(written).not.toContain("below the level");
    expect(written).not.toContain("hunter2");
    expect(written).toContain('"msg":"written"');
  });
});
