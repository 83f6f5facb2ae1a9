import { describe, expect, it } from "vitest";
import { nextClipsPoll } from "./songs-waiter.js";

describe("when the clips are fetched again", () => {
  it("doubles the gap up to a second when no estimate is known", () => {
    const gaps: number[] = [];
    let gap = 100;
    for (let fetch = 0; fetch < 6; fetch += 1) gaps.push((gap = nextClipsPoll(gap, 0)));
    expect(gaps).toEqual([200, 400, 800, 1000, 1000, 1000]);
  });

  it("lands a fetch on the estimate, then fetches every 200 ms for three seconds, then backs off again", () => {
    const expectedAt = 10_000;
    expect(nextClipsPoll(1000, 2000, expectedAt)).toBe(1000);
    expect(nextClipsPoll(1000, 9400, expectedAt)).toBe(600);
    expect(nextClipsPoll(100, 9900, expectedAt)).toBe(200);
    expect(nextClipsPoll(200, 12_900, expectedAt)).toBe(200);
    expect(nextClipsPoll(200, 13_000, expectedAt)).toBe(400);
    expect(nextClipsPoll(1000, 20_000, expectedAt)).toBe(1000);
  });
});
