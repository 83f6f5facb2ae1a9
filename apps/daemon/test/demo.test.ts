import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const demo = path.join(import.meta.dirname, "..", "dist", "demo.js");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "producer-demo-test-"));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe("the demo (the README's main job)", () => {
  it("stores a track and prints its key, duration and sha256, twice on the same data dir", async () => {
    for (let runIndex = 0; runIndex < 2; runIndex += 1) {
      const { stdout, stderr } = await run(process.execPath, [demo], {
        env: { ...process.env, PRODUCER_PATHS_DATA_DIR: dataDir },
        timeout: 60_000,
      });
      expect(stderr).not.toMatch(/Error|at .*\.js:\d+/);
      expect(stdout).toContain(`paths.dataDir`);
      const key = /key\s+(users\/user_456\/projects\/music-clip\/project_123\/audio\/\S+\.wav)/.exec(stdout);
      expect(key, stdout).not.toBeNull();
      expect(stdout).toMatch(/duration 4\.00 s/);
      expect(stdout).toMatch(/sha256\s+[0-9a-f]{64}/);
    }
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
  }, 120_000);
});
