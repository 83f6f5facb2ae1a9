import { readAudioFacts, type GeneratedSong, type SongOperation, type SubmissionRecord } from "@producer/utils";
import { describe, expect, it } from "vitest";
import { expectExactSongs } from "./exact-songs.js";
import { freshSite, stackForFile } from "./stack.js";
import { countsSince } from "./tool-calls.js";

const harness = stackForFile({}, freshSite);

/** Tool calls the site received, by tool name (every answer counted, refused ones too). */
const toolCalls = () => ({ ...harness.site.stats.flow.toolCalls });
const newCalls = (before: Record<string, number>) => countsSince(before, toolCalls());

/** The site's length of the source song; its audio is synthesized at most `maxAudioSecs` long. */
const SOURCE_SECS = 60;

/** A song of the account's library to act on: made here, as any song of the library was. */
async function sourceSong(): Promise<GeneratedSong> {
  const [song] = await harness.session.generate({
    prompt: "a source song",
    title: "Source",
    format: "wav",
    durationSecs: SOURCE_SECS,
  });
  return song as GeneratedSong;
}

async function operate(source: GeneratedSong, operation: SongOperation, format: "wav" | "mp3" | "m4a" = "wav") {
  const records: SubmissionRecord[] = [];
  const songs = await harness.session.operate(
    { source: { clipId: source.clipId as string, title: source.title }, operation, format },
    { onSubmission: async (record) => void records.push(record) },
  );
  return { songs, records };
}

const cases: Array<{ operation: SongOperation; tool: string; durationOf: (sourceSecs: number) => number }> = [
  {
    operation: { kind: "extend", seconds: 30, prompt: "a long outro" },
    tool: "audio__render_edit",
    durationOf: (secs) => secs + 30,
  },
  {
    operation: { kind: "replace", regions: [{ startSecs: 1, endSecs: 2 }], prompt: "a drum fill" },
    tool: "audio__render_edit",
    durationOf: (secs) => secs,
  },
  {
    operation: { kind: "cover", prompt: "as a jazz trio", strength: 0.3 },
    tool: "audio__render_edit",
    durationOf: (secs) => secs,
  },
  { operation: { kind: "trim", startSecs: 1, endSecs: 4 }, tool: "audio__apply_effect", durationOf: () => 3 },
  {
    operation: { kind: "speed", factor: 2, semitones: -2 },
    tool: "audio__apply_effect",
    durationOf: (secs) => secs / 2,
  },
];

describe("song operations sent from inside the warm page", () => {
  for (const { operation, tool, durationOf } of cases) {
    it(`${operation.kind}: one ${tool} call, recorded before it left, the new clip's served bytes and its duration`, async () => {
      const source = await sourceSong();
      const before = toolCalls();
      const runs = harness.site.stats.flow.toolRuns[tool] ?? 0;
      const credits = harness.site.credits();
      const { songs, records } = await operate(source, operation);
      expect(newCalls(before)).toEqual({ [tool]: 1 });
      expect(harness.site.stats.flow.toolRuns[tool]).toBe(runs + 1);
      const price = tool === "audio__render_edit" ? harness.site.settings.creditsPerSong : 0;
      expect(credits - harness.site.credits()).toBe(price);
      expect(songs).toHaveLength(1);
      const [song] = songs as [GeneratedSong];
      expect(song.clipId).not.toBe(source.clipId);
      await expectExactSongs(harness.site, songs);
      expect(source.siteDurationSecs).toBe(SOURCE_SECS);
      const expected = durationOf(SOURCE_SECS);
      expect(song.siteDurationSecs).toBeCloseTo(expected, 1);
      const facts = await readAudioFacts(song.filePath);
      expect(facts.format).toBe("wav");
      expect(facts.durationSecs).toBeCloseTo(Math.min(expected, harness.site.settings.maxAudioSecs), 0);
      expect(records[0]?.state).toBe("sending");
      expect(records[0]?.clipIds ?? []).toEqual([]);
      const accepted = records.filter((record) => record.state === "accepted");
      expect(accepted.at(-1)?.clipIds).toEqual([song.clipId]);
      expect(accepted.at(-1)?.siteJobId).toBeTruthy();
    });
  }

  it("stems: one split_stems call, four stems linked to their song, each the bytes served", async () => {
    const source = await sourceSong();
    const before = toolCalls();
    const { songs } = await operate(source, { kind: "stems" });
    expect(newCalls(before)).toEqual({ audio__split_stems: 1 });
    expect(songs.map((song) => song.stem).sort()).toEqual(["bass", "drums", "other", "vocals"]);
    for (const song of songs) expect(song.parentClipId).toBe(source.clipId);
    await expectExactSongs(harness.site, songs);
  });

  it("convert: no tool call and no new clip; the source in the asked format", async () => {
    const source = await sourceSong();
    const before = toolCalls();
    const credits = harness.site.credits();
    const { songs, records } = await operate(source, { kind: "convert", format: "mp3" }, "mp3");
    expect(newCalls(before)).toEqual({});
    expect(harness.site.credits()).toBe(credits);
    expect(records).toEqual([]);
    expect(songs).toHaveLength(1);
    expect(songs[0]?.clipId).toBe(source.clipId);
    expect((await readAudioFacts(songs[0]?.filePath as string)).format).toBe("mp3");
    await expectExactSongs(harness.site, songs);
  });

  it("a resume after the call sends nothing again: it downloads the recorded clip", async () => {
    const source = await sourceSong();
    const { songs, records } = await operate(source, { kind: "extend", seconds: 10 });
    const before = toolCalls();
    const recipes = harness.site.stats.flow.recipes;
    const resumed = await harness.session.operate(
      { source: { clipId: source.clipId as string }, operation: { kind: "extend", seconds: 10 }, format: "wav" },
      { resume: records.at(-1) as SubmissionRecord },
    );
    expect(newCalls(before)).toEqual({});
    expect(harness.site.stats.flow.recipes).toBe(recipes);
    expect(resumed.map((song) => song.clipId)).toEqual(songs.map((song) => song.clipId));
    await expectExactSongs(harness.site, resumed);
  });

  it("a resume of a record that only named the job finds the clip in the job's stream", async () => {
    const source = await sourceSong();
    const { songs, records } = await operate(source, { kind: "trim", startSecs: 0, endSecs: 2 });
    const sent = records.find((record) => record.state === "accepted" && record.siteJobId) as SubmissionRecord;
    const before = toolCalls();
    const resumed = await harness.session.operate(
      {
        source: { clipId: source.clipId as string },
        operation: { kind: "trim", startSecs: 0, endSecs: 2 },
        format: "wav",
      },
      { resume: { ...sent, clipIds: [], opIds: [] } },
    );
    expect(newCalls(before)).toEqual({});
    expect(resumed.map((song) => song.clipId)).toEqual(songs.map((song) => song.clipId));
  });

  it("an answer lost after the paid call: the retry finds the clip in the library by its source and title, 0 new calls", async () => {
    const source = await sourceSong();
    harness.site.faults.set("reply-lost", { times: 1 });
    const records: SubmissionRecord[] = [];
    const request = {
      source: { clipId: source.clipId as string, title: source.title },
      operation: { kind: "extend", seconds: 15 } as const,
      format: "wav" as const,
    };
    const failure = await harness.session
      .operate(request, { onSubmission: async (record) => void records.push(record) })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "UNAVAILABLE", details: { answerLost: true } });
    expect(records.at(-1)?.state).toBe("sending");
    expect(harness.site.stats.flow.toolRuns.audio__render_edit).toBe(1);
    const before = toolCalls();
    const songs = await harness.session.operate(request, { resume: records.at(-1) as SubmissionRecord });
    expect(newCalls(before)).toEqual({});
    expect(songs).toHaveLength(1);
    expect(songs[0]?.siteDurationSecs).toBe(SOURCE_SECS + 15);
    await expectExactSongs(harness.site, songs);
  });

  it("a refused recipe (422 Field required) spends nothing, sends no render, and is recorded refused", async () => {
    const source = await sourceSong();
    const credits = harness.site.credits();
    const before = toolCalls();
    harness.site.faults.set("recipe-refused");
    const records: SubmissionRecord[] = [];
    const failure = await harness.session
      .operate(
        { source: { clipId: source.clipId as string }, operation: { kind: "cover", prompt: "as punk" }, format: "wav" },
        { onSubmission: async (record) => void records.push(record) },
      )
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "SITE_CHANGED" });
    expect((failure as Error).message).toMatch(/Field required/);
    expect((failure as { details: { profileKeys: string[] } }).details.profileKeys).toContain("api.recipes");
    expect(newCalls(before)).toEqual({});
    expect(harness.site.credits()).toBe(credits);
    expect(records.at(-1)?.state).toBe("refused");
    expect(records.some((record) => record.state === "sending")).toBe(false);
  });

  it("a failed render is GENERATION_FAILED with the site's error type, after one paid call", async () => {
    const source = await sourceSong();
    const before = toolCalls();
    harness.site.faults.set("edit-failed");
    const failure = await operate(source, { kind: "extend", seconds: 5 }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "GENERATION_FAILED", details: { errorType: "render_failed" } });
    expect(newCalls(before)).toEqual({ audio__render_edit: 1 });
  });

  it("a call the tool cannot take (a trim past the song's end) is GENERATION_FAILED with the stream's reason, nothing charged", async () => {
    const source = await sourceSong();
    const credits = harness.site.credits();
    const failure = await operate(source, { kind: "trim", startSecs: 10, endSecs: SOURCE_SECS + 10 }).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: "GENERATION_FAILED", details: { errorType: "tool_call_failure" } });
    expect(harness.site.credits()).toBe(credits);
  });

  it("out of credits: QUOTA_EXHAUSTED, nothing made", async () => {
    const source = await sourceSong();
    harness.site.faults.set("quota-exhausted");
    const failure = await operate(source, { kind: "extend", seconds: 20 }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "QUOTA_EXHAUSTED" });
    expect(harness.site.stats.flow.toolRuns.audio__render_edit ?? 0).toBe(0);
  });

  it("a busy site (429) is waited out and the call sent again, paid once", async () => {
    const source = await sourceSong();
    harness.site.settings.busyRetryAfterSecs = 1;
    harness.site.faults.set("busy", { times: 1 });
    const before = toolCalls();
    const { songs, records } = await operate(source, { kind: "trim", startSecs: 0, endSecs: 1 });
    expect(songs).toHaveLength(1);
    expect(newCalls(before)).toEqual({ audio__apply_effect: 2 });
    expect(harness.site.stats.flow.toolRuns.audio__apply_effect).toBe(1);
    expect(records.map((record) => record.state)).toContain("refused");
    expect(records.at(-1)?.state).toBe("accepted");
  });

  it("a clip the account's library does not hold is NOT_FOUND, before anything is sent", async () => {
    const before = toolCalls();
    const failure = await harness.session
      .operate({ source: { clipId: "no-such-clip" }, operation: { kind: "convert", format: "wav" }, format: "wav" })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "NOT_FOUND" });
    expect(newCalls(before)).toEqual({});
  });
});
