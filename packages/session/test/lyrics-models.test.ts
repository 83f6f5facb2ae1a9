import type { SubmissionRecord } from "@producer/utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lyricsIdOf, uuidV5 } from "../src/operations/create-song-call.js";
import { createStack, type SessionStack } from "./stack.js";

let harness: SessionStack;

beforeAll(async () => {
  harness = await createStack({ simulator: { songDurationSecs: [2, 3], generationMs: 0 } });
  await harness.session.start();
}, 180_000);
afterAll(() => harness?.close());

/** Tool calls the site received and ran since `before`, by tool. */
const counters = () => {
  const { toolCalls, toolRuns } = harness.site.stats.flow;
  return { calls: { ...toolCalls }, runs: { ...toolRuns } };
};
const since = (before: Record<string, number>, after: Record<string, number>) =>
  Object.fromEntries(
    Object.keys(after)
      .map((tool) => [tool, (after[tool] ?? 0) - (before[tool] ?? 0)] as const)
      .filter(([, count]) => count !== 0),
  );

describe("lyrics ids as the app computes them", () => {
  it("uuid v5 of the text; none for blank text or a bare [Instrumental]", () => {
    expect(uuidV5("[Instrumental]")).toBe("55161754-f78d-5b7f-9fa2-6a3cc8d6ba93");
    expect(lyricsIdOf("")).toBe("");
    expect(lyricsIdOf("  \n ")).toBe("");
    expect(lyricsIdOf("[Instrumental]")).toBe("");
    expect(lyricsIdOf("[Instrumental]\n[End - 1:00]")).toBe(uuidV5("[Instrumental]\n[End - 1:00]"));
  });
});

describe("lyrics and models from inside the warm page", () => {
  it("lyrics.write sends lyrics__create once and answers the title, the lyrics and their id", async () => {
    const before = counters();
    const records: SubmissionRecord[] = [];
    const { result } = await harness.session.runTask(
      { kind: "lyrics.write", prompt: "rain on a tin roof" },
      { onSubmission: async (record) => void records.push({ ...record }) },
    );
    const after = counters();
    expect(since(before.calls, after.calls)).toEqual({ lyrics__create: 1 });
    expect(since(before.runs, after.runs)).toEqual({ lyrics__create: 1 });
    expect(result.title).toBe("Rain On A Tin");
    expect(String(result.lyrics)).toContain("I was thinking of rain on a tin roof");
    expect(result.lyricsId).toBe(uuidV5(String(result.lyrics)));
    expect(records.filter((record) => record.state === "accepted")).toHaveLength(1);
  });

  it("lyrics.edit registers the text, then edits it by its id: one call of each tool", async () => {
    const before = counters();
    const lyrics = "[Verse]\nold words here";
    const { result } = await harness.session.runTask({ kind: "lyrics.edit", lyrics, prompt: "add a bridge" });
    const after = counters();
    expect(since(before.calls, after.calls)).toEqual({ lyrics__register: 1, lyrics__edit: 1 });
    expect(result.lyrics).toBe(`${lyrics}\n\n[Bridge]\n(rewritten: add a bridge)`);
    expect(result.lyricsId).toBe(uuidV5(String(result.lyrics)));
  });

  it("a moderation error in the stream is GENERATION_FAILED, nothing run; a 429 is waited out, one run", async () => {
    harness.site.faults.set("stream-error", { times: 1 });
    const before = counters();
    await expect(harness.session.runTask({ kind: "lyrics.write", prompt: "something flagged" })).rejects.toMatchObject({
      code: "GENERATION_FAILED",
      message: expect.stringContaining("moderation"),
    });
    expect(since(before.runs, counters().runs)).toEqual({});

    harness.site.settings.busyRetryAfterSecs = 1;
    harness.site.faults.set("busy", { times: 1 });
    const busy = counters();
    await harness.session.runTask({ kind: "lyrics.write", prompt: "a calm sea" });
    expect(since(busy.calls, counters().calls)).toEqual({ lyrics__create: 2 });
    expect(since(busy.runs, counters().runs)).toEqual({ lyrics__create: 1 });
  });

  it("models.list reads the site's listing: names and the default, no tool call", async () => {
    const before = counters();
    const { result } = await harness.session.runTask({ kind: "models.list" });
    expect(result.models).toEqual([
      { name: "Lyria 3.5", isDefault: true },
      { name: "Lyria 3 Pro", isDefault: false },
    ]);
    expect(since(before.calls, counters().calls)).toEqual({});
  });

  it("finds no drift in the facts-shaped answers of the lyrics tools and the models listing", () => {
    expect(Object.keys(harness.session.shapeDrift.checked())).toEqual(
      expect.arrayContaining([
        "api.models",
        "toolReturn.lyrics__create",
        "toolReturn.lyrics__register",
        "toolReturn.lyrics__edit",
      ]),
    );
    expect(harness.session.shapeDrift.entries()).toEqual([]);
  });
});
