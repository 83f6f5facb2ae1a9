import type { SubmissionRecord } from "@producer/utils";
import { describe, expect, it } from "vitest";
import { lyricsIdOf, uuidV5 } from "../src/operations/create-song-call.js";
import { stackForFile } from "./stack.js";
import { countsSince, toolCounts } from "./tool-calls.js";

const harness = stackForFile({ simulator: { songDurationSecs: [2, 3], generationMs: 0 } });

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
    const before = toolCounts(harness);
    const records: SubmissionRecord[] = [];
    const { result } = await harness.session.runTask(
      { kind: "lyrics.write", prompt: "rain on a tin roof" },
      { onSubmission: async (record) => void records.push({ ...record }) },
    );
    const after = toolCounts(harness);
    expect(countsSince(before.calls, after.calls)).toEqual({ lyrics__create: 1 });
    expect(countsSince(before.runs, after.runs)).toEqual({ lyrics__create: 1 });
    expect(result.title).toBe("Rain On A Tin");
    expect(String(result.lyrics)).toContain("I was thinking of rain on a tin roof");
    expect(result.lyricsId).toBe(uuidV5(String(result.lyrics)));
    expect(records.filter((record) => record.state === "accepted")).toHaveLength(1);
  });

  it("lyrics.edit registers the text, then edits it by its id: one call of each tool", async () => {
    const before = toolCounts(harness);
    const lyrics = "[Verse]\nold words here";
    const { result } = await harness.session.runTask({ kind: "lyrics.edit", lyrics, prompt: "add a bridge" });
    const after = toolCounts(harness);
    expect(countsSince(before.calls, after.calls)).toEqual({ lyrics__register: 1, lyrics__edit: 1 });
    expect(result.lyrics).toBe(`${lyrics}\n\n[Bridge]\n(rewritten: add a bridge)`);
    expect(result.lyricsId).toBe(uuidV5(String(result.lyrics)));
  });

  it("a moderation error in the stream is GENERATION_FAILED, nothing run; a 429 is waited out, one run", async () => {
    harness.site.faults.set("stream-error", { times: 1 });
    const before = toolCounts(harness);
    await expect(harness.session.runTask({ kind: "lyrics.write", prompt: "something flagged" })).rejects.toMatchObject({
      code: "GENERATION_FAILED",
      message: expect.stringContaining("moderation"),
    });
    expect(countsSince(before.runs, toolCounts(harness).runs)).toEqual({});

    harness.site.settings.busyRetryAfterSecs = 1;
    harness.site.faults.set("busy", { times: 1 });
    const busy = toolCounts(harness);
    await harness.session.runTask({ kind: "lyrics.write", prompt: "a calm sea" });
    expect(countsSince(busy.calls, toolCounts(harness).calls)).toEqual({ lyrics__create: 2 });
    expect(countsSince(busy.runs, toolCounts(harness).runs)).toEqual({ lyrics__create: 1 });
  });

  it("models.list reads the site's listing: names and the default, no tool call", async () => {
    const before = toolCounts(harness);
    const { result } = await harness.session.runTask({ kind: "models.list" });
    expect(result.models).toEqual([
      { name: "Lyria 3.5", isDefault: true },
      { name: "Lyria 3 Pro", isDefault: false },
    ]);
    expect(countsSince(before.calls, toolCounts(harness).calls)).toEqual({});
  });

  it("a model the site lists but the profile does not know is refused until listed, then picked by its name", async () => {
    harness.site.settings.newModels = ["Lyria 4"];
    try {
      const calls = harness.site.stats.flow.composeRequests.length;
      await expect(harness.session.generate({ prompt: "x", format: "wav", model: "Lyria 4" })).rejects.toMatchObject({
        code: "INVALID_INPUT",
      });
      expect(harness.site.stats.flow.composeRequests).toHaveLength(calls);
      await harness.session.runTask({ kind: "models.list" });
      const songs = await harness.session.generate({ prompt: "a newer model", format: "wav", model: "Lyria 4" });
      expect(songs.length).toBeGreaterThan(0);
      // The panel's picker chose it, so the page's own call named it.
      expect(harness.site.stats.flow.composeRequests.at(-1)?.selectedModel).toBe("Lyria 4");
    } finally {
      harness.site.settings.newModels = [];
    }
  }, 120_000);

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
