import { describe, expect, it } from "vitest";
import { StepTotals } from "./step-totals.js";

describe("StepTotals", () => {
  it("sums each step's time and runs, and adds several sources up", () => {
    const one = new StepTotals();
    one.add("open", 30);
    one.addAll({ open: 10, submit: 60 });
    const two = new StepTotals();
    two.addAll({ submit: 40, download: 5 });
    expect([...one.byStep]).toEqual([
      ["open", { totalMs: 40, count: 2 }],
      ["submit", { totalMs: 60, count: 1 }],
    ]);
    expect(Object.fromEntries(StepTotals.sum([one, two]))).toEqual({
      open: { totalMs: 40, count: 2 },
      submit: { totalMs: 100, count: 2 },
      download: { totalMs: 5, count: 1 },
    });
    // Summing reads the sources and leaves them as they were.
    expect(one.byStep.get("submit")).toEqual({ totalMs: 60, count: 1 });
  });
});
