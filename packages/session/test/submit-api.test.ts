import type { SubmissionRecord } from "@producer/utils";
import { describe, expect, it } from "vitest";
import { uuidV5 } from "../src/operations/create-song-call.js";
import { expectExactSongs } from "./exact-songs.js";
import { freshSite, stackForFile } from "./stack.js";

const harness = stackForFile({ config: { site: { submit: "api" } } }, freshSite);

const calls = () => harness.site.stats.flow.generationCalls["producer@example.test"] ?? 0;

describe('site.submit "api": a new song by the panel\'s own tool call, sent from inside the page', () => {
  it("sends every control as the web form would, once, records it before, and stores the served bytes", async () => {
    const records: SubmissionRecord[] = [];
    const songs = await harness.session.generate(
      {
        prompt: "Create a happy pop song",
        title: "My New Song",
        format: "wav",
        bpm: 120,
        seed: 42,
        durationSecs: 95,
        model: "lyria-3-pro",
        lyrics: "la la la",
      },
      { onSubmission: async (record) => void records.push(record) },
    );
    expect(songs).toHaveLength(2);
    await expectExactSongs(harness.site, songs);
    expect(calls()).toBe(1);
    const [sent] = harness.site.stats.flow.composeRequests;
    expect(sent).toMatchObject({
      soundPrompt: "Create a happy pop song, 120 bpm",
      lyrics: "la la la\n[End - 1:35]",
      title: "My New Song",
      seed: 42,
      selectedModel: "Lyria 3 Pro",
    });
    const body = (sent as { body: unknown }).body as { part: { args: { lyrics_id: string } } };
    expect(body.part.args.lyrics_id).toBe(uuidV5("la la la\n[End - 1:35]"));
    expect(records[0]).toMatchObject({ state: "sending", title: "My New Song", creditsBefore: 500 });
    expect(records.at(-1)).toMatchObject({ state: "accepted", clipIds: songs.map((song) => song.clipId) });
    for (const song of songs) expect(song.siteDurationSecs).toBe(95);
  });

  it("a bare [Instrumental] travels without a lyrics id, as the app's clients send it; the default model by name", async () => {
    await harness.session.generate({ prompt: "ambient", format: "mp3", instrumental: true });
    const [sent] = harness.site.stats.flow.composeRequests;
    expect(sent).toMatchObject({ soundPrompt: "ambient", lyrics: "", selectedModel: "Lyria 3.5" });
    const body = (sent as { body: unknown }).body as { part: { args: { lyrics_id: string } } };
    expect(body.part.args.lyrics_id).toBe("");
    expect(calls()).toBe(1);
  });

  it("lyrics ids are uuid v5 of the text in the app's namespace", () => {
    expect(uuidV5("[Instrumental]")).toBe("55161754-f78d-5b7f-9fa2-6a3cc8d6ba93");
  });

  it("a busy site (429) is waited out and sent again: one generation", async () => {
    harness.site.settings.busyRetryAfterSecs = 1;
    harness.site.faults.set("busy", { times: 1 });
    const songs = await harness.session.generate({ prompt: "busy api", format: "wav" });
    expect(songs).toHaveLength(2);
    expect(calls()).toBe(1);
  });
});
