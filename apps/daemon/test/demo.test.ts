import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { createTeardown } from "@producer/test-utils";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const demo = path.join(import.meta.dirname, "..", "dist", "demo.js");
const teardown = createTeardown();
const dataDir = teardown.tempDir("producer-demo-test-");
afterAll(() => teardown.run());

describe("the demo (the README's main job)", () => {
  it("generates through the daemon and prints the stored tracks, twice on the same data dir", async () => {
    for (let runIndex = 1; runIndex <= 2; runIndex += 1) {
      const { stdout, stderr } = await run(process.execPath, [demo], {
        env: { ...process.env, PRODUCER_PATHS_DATA_DIR: dataDir },
        timeout: 120_000,
      });
      expect(stderr).toBe("");
      expect(stdout).toContain(`${dataDir}/producer.sock`);
      expect(stdout).toMatch(/^ {2}succeeded$/m);
      const keys = [
        ...stdout.matchAll(
          /key\s+(users\/user_456\/projects\/music-clip\/project_123\/audio\/[0-9a-f-]{36}-[12]\.wav)/g,
        ),
      ];
      expect(keys, stdout).toHaveLength(2);
      expect([...stdout.matchAll(/duration \d+\.\d{2} s/g)]).toHaveLength(2);
      expect([...stdout.matchAll(/sha256\s+[0-9a-f]{64}/g)]).toHaveLength(2);
      expect(stdout).toContain(`project_123 now holds ${runIndex * 2} tracks`);
      // An agent's round trip over MCP, and where the status page is.
      expect(stdout).toMatch(/tools: .*generate_music.*wait_for_generation/);
      expect(stdout).toMatch(/progress: (generating|downloading|uploading)/);
      expect(stdout).toMatch(/wait_for_generation {2}succeeded, 2 tracks/);
      expect([...stdout.matchAll(/"For the Agent" \d+\.\d{2} s/g)]).toHaveLength(runIndex * 2);
      expect(stdout).toMatch(/status page +http:\/\/127\.0\.0\.1:\d+\/login\?code=/);
    }
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(fs.existsSync(path.join(dataDir, "producer.sock"))).toBe(false);
    expect(fs.statSync(path.join(dataDir, "state.json")).mode & 0o777).toBe(0o600);
  }, 240_000);
});
