import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const bin = path.join(import.meta.dirname, "..", "bin", "producer-simulator.js");

describe("the producer-simulator command", () => {
  it("prints its usage for --help, and for an unknown option its usage and exit 2, never a stack", async () => {
    const help = await run(process.execPath, [bin, "--help"], { timeout: 30_000 });
    expect(help.stdout).toMatch(/^producer-simulator — /);
    expect(help.stdout).toContain("--variant NAME");
    const failed = await run(process.execPath, [bin, "--bogus"], { timeout: 30_000 }).then(
      () => ({ code: 0, stderr: "" }),
      (caught: { code: number; stderr: string }) => caught,
    );
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/^producer-simulator: .*--bogus/);
    expect(failed.stderr).toContain("Usage: producer-simulator");
    expect(failed.stderr).not.toMatch(/\n\s+at /);
  });
});
