import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createTempDir, withTempDir } from "./temp-dir.js";

describe("temporary folders", () => {
  it("are private and removed after the work, even when it throws", async () => {
    let seen = "";
    await expect(
      withTempDir(async (dir) => {
        seen = dir;
        expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
        fs.writeFileSync(path.join(dir, "partial.wav"), "x");
        throw new Error("failed midway");
      }),
    ).rejects.toThrow("failed midway");
    expect(seen).not.toBe("");
    expect(fs.existsSync(seen)).toBe(false);
  });

  it("are removed at the end of an `await using` scope", async () => {
    let seen = "";
    {
      const dir = await createTempDir("scoped-");
      seen = dir.path;
      try {
        fs.mkdirSync(path.join(dir.path, "nested", "deeper"), { recursive: true });
      } finally {
        await dir[Symbol.asyncDispose]();
      }
    }
    expect(fs.existsSync(seen)).toBe(false);
  });
});
