import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { createTeardown } from "./teardown.js";

describe("createTeardown", () => {
  it("runs its steps last in first out, every one even when some throw, then throws what they threw", async () => {
    const teardown = createTeardown();
    const ran: string[] = [];
    teardown.add(() => ran.push("first"));
    teardown.add(() => {
      ran.push("second");
      throw new Error("second failed");
    });
    teardown.add(async () => ran.push("third"));
    await expect(teardown.run()).rejects.toThrow("second failed");
    expect(ran).toEqual(["third", "second", "first"]);

    teardown.add(() => {
      throw new Error("one");
    });
    teardown.add(() => {
      throw new Error("two");
    });
    await expect(teardown.run()).rejects.toBeInstanceOf(AggregateError);
  });

  it("removes its temp dirs, and is empty again after a run", async () => {
    const teardown = createTeardown();
    const dir = teardown.tempDir("teardown-test-");
    fs.writeFileSync(`${dir}/file`, "x");
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    await teardown.run();
    expect(fs.existsSync(dir)).toBe(false);
    await teardown.run();
  });
});
