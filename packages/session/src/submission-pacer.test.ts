import { describe, expect, it } from "vitest";
import { SubmissionPacer } from "./submission-pacer.js";

describe("SubmissionPacer", () => {
  it("keeps each turn at least the gap after the one before, in order", async () => {
    const pacer = new SubmissionPacer({ minMs: 80, maxMs: 80 });
    const times: number[] = [];
    await Promise.all([0, 1, 2].map(() => pacer.waitTurn().then(() => times.push(Date.now()))));
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(75);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(75);
  });

  it("draws the gap from [min, max]", async () => {
    const pacer = new SubmissionPacer({ minMs: 0, maxMs: 100 }, () => 0.999);
    await pacer.waitTurn();
    const started = Date.now();
    await pacer.waitTurn();
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
  });

  it("lets a waiting turn be cancelled without blocking the next", async () => {
    const pacer = new SubmissionPacer({ minMs: 10_000, maxMs: 10_000 });
    await pacer.waitTurn();
    await expect(pacer.waitTurn(AbortSignal.timeout(20))).rejects.toMatchObject({ code: "CANCELLED" });
  });
});
