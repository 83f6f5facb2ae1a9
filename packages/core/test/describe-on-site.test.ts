import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Job, Track } from "../src/index.js";
import { createStack, type CoreStack } from "./stack.js";

let harness: CoreStack;
beforeAll(async () => {
  harness = await createStack({ simulator: { songDurationSecs: [2, 3] } });
}, 120_000);
afterAll(() => harness?.close());

const LYRICS = "[Verse]\nA piano in the hallway\nplays the morning in";

/** Calls the site received, by tool, since `before`. */
const calls = () => ({ ...harness.site.stats.flow.toolCalls });
const since = (before: Record<string, number>, tool: string) => (calls()[tool] ?? 0) - (before[tool] ?? 0);

async function generate(input: Record<string, unknown>): Promise<Job> {
  const { jobId } = (await harness.service.generateMusic({ format: "mp3", ...input } as never)) as { jobId: string };
  const job = await harness.service.waitForJob(jobId, { timeoutMs: 90_000 });
  expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
  return job;
}
const ids = (tracks: Track[]) => tracks.map((track) => track.id).sort();

describe("what a song holds, on real parts", () => {
  it("describe: true keeps each song's caption and sung lyrics on its track; a search finds the one with the piano intro", async () => {
    const before = calls();
    const piano = await generate({ prompt: "a soft piano intro, then strings", lyrics: LYRICS, describe: true });
    const metal = await generate({ prompt: "heavy metal riff", describe: true });
    const plain = await generate({ prompt: "ambient pads at dusk" });
    // One caption and one transcribe call per song described (two songs a generation), none for the third job.
    expect(since(before, "audio__caption")).toBe(4);
    expect(since(before, "audio__transcribe")).toBe(4);
    expect(since(before, "songs__get_metadata")).toBe(4);
    for (const track of piano.tracks) {
      expect(track.caption).toBe(
        `A ${Math.round(track.siteDurationSecs ?? 0)}-second song with vocals titled "${track.title}": a soft piano intro, then strings.`,
      );
      expect(track.transcript).toBe("A piano in the hallway\nplays the morning in");
      expect(track.describeError).toBeNull();
      expect(await harness.service.getTrack(track.id)).toMatchObject({ caption: track.caption });
    }
    expect(metal.tracks.every((track) => track.transcript === "[Instrumental]")).toBe(true);
    expect(plain.tracks.every((track) => track.caption === null && track.transcript === null)).toBe(true);

    const search = async (words: string) => ids((await harness.service.listTracks({ search: words })).tracks);
    expect(await search("Piano Intro")).toEqual(ids(piano.tracks));
    // Words only the caption holds, and words only the sung lyrics hold.
    expect(await search("with vocals")).toEqual(ids(piano.tracks));
    expect(await search("instrumental")).toEqual(ids(metal.tracks));
    expect(await search("hallway morning")).toEqual(ids(piano.tracks));
    expect(await search("dusk")).toEqual(ids(plain.tracks));
    expect(await search("hallway dusk")).toEqual([]);
  });

  it("describeSong({ trackId }) asks each tool once and keeps the answer on the track", async () => {
    const plain = await generate({ prompt: "a lone cello" });
    const track = plain.tracks[0] as Track;
    const before = calls();
    const { result } = await harness.service.describeSong({ trackId: track.id });
    expect(since(before, "audio__caption")).toBe(1);
    expect(since(before, "audio__transcribe")).toBe(1);
    expect(since(before, "songs__get_metadata")).toBe(1);
    expect(result).toMatchObject({ clipId: track.clipId, lyrics: "[Instrumental]", trackIds: [track.id] });
    expect(result.caption).toContain("a lone cello");
    expect(await harness.service.getTrack(track.id)).toMatchObject({
      caption: result.caption,
      transcript: "[Instrumental]",
    });
    await expect(harness.service.describeSong({ trackId: track.id, clipId: "x" } as never)).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    expect(since(before, "audio__caption")).toBe(1);
  });

  it("the site's model of a song is answered, and kept on a track that had none by the profile's id", async () => {
    // A chat generation that names no model leaves the tracks' model null: the agent picks it.
    const chat = await generate({ prompt: "a music box waltz", mode: "chat" });
    const [track, other] = chat.tracks as [Track, Track];
    expect(track.model).toBeNull();
    const before = calls();
    const { result } = await harness.service.describeSong({ trackId: track.id });
    expect(since(before, "songs__get_metadata")).toBe(1);
    expect(result.model).toBe("Lyria 3.5");
    expect((await harness.service.getTrack(track.id)).model).toBe("lyria-3.5");
    expect((await harness.service.getTrack(other.id)).model).toBeNull();

    // A track that names its model keeps it; the answer still says what the site shows.
    const pro = (await generate({ prompt: "a brass fanfare", model: "lyria-3-pro" })).tracks[0] as Track;
    expect(pro.model).toBe("lyria-3-pro");
    const described = await harness.service.describeSong({ clipId: String(pro.clipId) });
    expect(described.result.model).toBe("Lyria 3 Pro");
    expect((await harness.service.getTrack(pro.id)).model).toBe("lyria-3-pro");
  });

  it("a describe the site refuses leaves the paid songs stored, the reason on each track", async () => {
    // The generation call goes through; the two caption calls after it are refused (402).
    harness.site.faults.set("quota-exhausted", { skip: 1, times: 2 });
    const job = await generate({ prompt: "a refused description", describe: true });
    expect(job.tracks).toHaveLength(2);
    for (const track of job.tracks) {
      expect(track.caption).toBeNull();
      expect(track.describeError).toMatch(/^QUOTA_EXHAUSTED: /);
    }
  });
});
