import { readAudioFacts } from "@producer/utils";
import { describe, expect, it } from "vitest";
import { expectExactSongs } from "./exact-songs.js";
import { stackForFile } from "./stack.js";

const harness = stackForFile({}, (stack) => {
  stack.resetSite();
  stack.site.settings.generationMs = 0;
});

const toolCalls = () => Object.values(harness.site.stats.flow.toolCalls).reduce((sum, count) => sum + count, 0);
/** The account's clips as the site holds them, newest first: what its library lists. */
const siteLibrary = () =>
  harness.site
    .flowClips()
    .filter((clip) => clip.account === harness.site.settings.credentials.email)
    .sort((a, b) => b.createdAt - a.createdAt);

describe("the account's library, from the page's own listing", () => {
  it("lists a page of songs newest first, each as the site describes it; a later page goes on", async () => {
    harness.site.seedLibrary(undefined, 5);
    const calls = toolCalls();
    const first = await harness.session.library({ limit: 3, offset: 0 });
    const second = await harness.session.library({ limit: 3, offset: 3 });
    expect(toolCalls()).toBe(calls);
    const expected = siteLibrary();
    expect(first.account).toBe(harness.config.accounts[0]?.name);
    expect(first.songs.map((song) => song.clipId)).toEqual(expected.slice(0, 3).map((clip) => clip.id));
    expect(second.songs.map((song) => song.clipId)).toEqual(expected.slice(3, 6).map((clip) => clip.id));
    for (const song of [...first.songs, ...second.songs]) {
      const clip = expected.find((candidate) => candidate.id === song.clipId);
      expect(song).toMatchObject({ title: clip?.title, finished: true, failed: false, sourceClipId: null });
      expect(song.durationSecs).toBeCloseTo(clip?.durationSecs as number, 1);
      expect(Date.parse(song.createdAt as string)).toBeGreaterThan(0);
    }
  });

  it("names what a song was made from: a stem lists its song", async () => {
    const [song] = await harness.session.generate({ prompt: "a song", title: "Parent", format: "wav" });
    await harness.session.operate({
      source: { clipId: song?.clipId as string },
      operation: { kind: "stems" },
      format: "wav",
    });
    const { songs } = await harness.session.library({ limit: 20, offset: 0 });
    const stems = songs.filter((listed) => listed.sourceClipId === song?.clipId);
    expect(stems).toHaveLength(4);
    for (const stem of stems) expect(stem.madeBy).toBe("audio__split_stems");
  });

  it("imports an old song as it is: no tool call, nothing spent, the served bytes in the asked format", async () => {
    harness.site.seedLibrary(undefined, 2);
    const [old] = siteLibrary();
    harness.site.setCredits(40);
    const calls = toolCalls();
    for (const format of ["mp3", "wav"] as const) {
      const songs = await harness.session.operate({
        source: { clipId: old?.id as string },
        operation: { kind: "import" },
        format,
      });
      expect(songs).toHaveLength(1);
      expect(songs[0]).toMatchObject({ clipId: old?.id, title: old?.title, format });
      expect((await readAudioFacts(songs[0]?.filePath as string)).format).toBe(format);
      await expectExactSongs(harness.site, songs);
    }
    expect(toolCalls()).toBe(calls);
    expect(harness.site.credits()).toBe(40);
  });

  it("refuses to import a clip the library does not hold, before anything is sent", async () => {
    const failure = await harness.session
      .operate({ source: { clipId: "no-such-clip" }, operation: { kind: "import" }, format: "wav" })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "NOT_FOUND" });
    expect((failure as Error).message).toMatch(/no song no-such-clip/);
  });
});
