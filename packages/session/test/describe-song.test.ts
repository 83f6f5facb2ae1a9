import type { GeneratedSong, SubmissionRecord } from "@producer/utils";
import { beforeAll, describe, expect, it } from "vitest";
import { stackForFile } from "./stack.js";
import { countsSince, toolCounts } from "./tool-calls.js";

const harness = stackForFile({ simulator: { songDurationSecs: [2, 3], generationMs: 0 } });
let song: GeneratedSong;
const LYRICS = "[Verse]\nA piano in the hallway\nplays the morning in\n[End - 0:03]";

beforeAll(async () => {
  [song] = (await harness.session.generate({
    prompt: "a soft piano intro, then strings",
    lyrics: LYRICS,
    format: "m4a",
  })) as [GeneratedSong];
}, 180_000);

describe("song.describe from inside the warm page", () => {
  it("asks audio__caption, audio__transcribe and songs__get_metadata once each and answers their texts and model", async () => {
    const before = toolCounts(harness);
    const records: SubmissionRecord[] = [];
    const { result } = await harness.session.runTask(
      { kind: "song.describe", clipId: song.clipId },
      { onSubmission: async (record) => void records.push({ ...record }) },
    );
    const after = toolCounts(harness);
    const once = { audio__caption: 1, audio__transcribe: 1, songs__get_metadata: 1 };
    expect(countsSince(before.calls, after.calls)).toEqual(once);
    expect(countsSince(before.runs, after.runs)).toEqual(once);
    // The song was made on the profile's default model; the metadata names it as the site shows it.
    expect(result.model).toBe("Lyria 3.5");
    // The simulator's caption is made from the clip's prompt, title and length; its transcript is the sung lines.
    expect(result.clipId).toBe(song.clipId);
    expect(result.caption).toBe(
      `A ${Math.round(song.siteDurationSecs ?? 0)}-second song with vocals titled "${song.title}": a soft piano intro, then strings.`,
    );
    expect(result.lyrics).toBe("A piano in the hallway\nplays the morning in");
    // The answers, shaped as the facts give them, show no drift against the profile's shapes.
    expect(Object.keys(harness.session.shapeDrift.checked())).toEqual(
      expect.arrayContaining(["toolReturn.audio__caption", "toolReturn.audio__transcribe"]),
    );
    expect(harness.session.shapeDrift.entries()).toEqual([]);
    expect(records.filter((record) => record.state === "accepted").map((record) => record.prompt)).toEqual([
      `caption ${song.clipId}`,
      `transcribe ${song.clipId}`,
      `metadata ${song.clipId}`,
    ]);
  });

  it("waits out a 429 and still runs each tool once; a clip the account lacks is NOT_FOUND with no tool call", async () => {
    harness.site.settings.busyRetryAfterSecs = 1;
    harness.site.faults.set("busy", { times: 1 });
    const before = toolCounts(harness);
    const { result } = await harness.session.runTask({ kind: "song.describe", clipId: song.clipId, prompt: "mood?" });
    const after = toolCounts(harness);
    expect(countsSince(before.calls, after.calls)).toEqual({
      audio__caption: 2,
      audio__transcribe: 1,
      songs__get_metadata: 1,
    });
    expect(countsSince(before.runs, after.runs)).toEqual({
      audio__caption: 1,
      audio__transcribe: 1,
      songs__get_metadata: 1,
    });
    expect(result.lyrics).toBe("A piano in the hallway\nplays the morning in");

    const none = toolCounts(harness);
    await expect(
      harness.session.runTask({ kind: "song.describe", clipId: "00000000-0000-4000-8000-000000000000" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(countsSince(none.calls, toolCounts(harness).calls)).toEqual({});
  });
});
