import { describe, expect, it } from "vitest";
// The server runs the built process script, so this suite exercises the built package.
import { startS3Server } from "@producer/test-utils";

describe("startS3Server", () => {
  it("serves its bucket, refuses while stopped and keeps objects across a restart", async () => {
    const server = await startS3Server({ bucket: "kept-objects" });
    try {
      const url = `${server.endpoint}/${server.bucket}/a.txt`;
      // s3rver accepts unsigned requests from loopback.
      expect((await fetch(url, { method: "PUT", body: "hello" })).status).toBe(200);
      await server.stop();
      await expect(fetch(url)).rejects.toThrow();
      await server.restart();
      expect(await (await fetch(url)).text()).toBe("hello");
    } finally {
      await server.close();
    }
  }, 30_000);
});
