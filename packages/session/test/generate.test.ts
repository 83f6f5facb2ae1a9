import fs from "node:fs";
import { readAudioFacts, type GenerationProgress } from "@producer/utils";
import { withSettings } from "@producer/test-utils";
import { describe, expect, it } from "vitest";
import { expectExactSongs } from "./exact-songs.js";
import { stackForFile } from "./stack.js";

const harness = stackForFile({ simulator: { variant: "producerai-2025" } }, (stack) => stack.resetSite());

describe("generating against the simulator with real Chromium", () => {
  it("downloads both songs of a generation as WAV, with their titles, clip ids and audio facts", async () => {
    const progress: GenerationProgress[] = [];
    const songs = await harness.session.generate(
      { prompt: "Create a happy pop song", title: "My New Song", format: "wav" },
      { onProgress: (event) => progress.push(event) },
    );
    expect(songs).toHaveLength(2);
    for (const [index, song] of songs.entries()) {
      expect(song.index).toBe(index);
      expect(song.format).toBe("wav");
      expect(song.clipId).toMatch(/^[0-9a-f-]{36}$/);
      expect(song.title.length).toBeGreaterThan(3);
      const facts = await readAudioFacts(song.filePath);
      expect(facts.format).toBe("wav");
      expect(facts.durationSecs).toBeGreaterThanOrEqual(1);
      expect(facts.durationSecs).toBeLessThanOrEqual(2);
      expect(facts.sampleRate).toBe(44_100);
      expect(fs.statSync(song.filePath).size).toBe(facts.sizeBytes);
    }
    expect(new Set(songs.map((song) => song.title)).size).toBe(2);
    expect(progress.map((event) => event.stage)).toEqual([
      "submitted",
      "replying",
      "generating",
      "downloading",
      "downloading",
      "done",
    ]);
    expect(progress.filter((event) => event.stage === "downloading").map((event) => event.songNumber)).toEqual([1, 2]);
    expect(harness.site.stats.prompts).toEqual(["Create a happy pop song\nTitle: My New Song"]);
    expect(harness.site.stats.downloads.wav).toBe(2);
  });

  it("downloads MP3 and M4A through the same menus", async () => {
    const mp3 = await harness.session.generate({ prompt: "drum and bass", format: "mp3" });
    const m4a = await harness.session.generate({ prompt: "ambient", format: "m4a", instrumental: true });
    expect((await readAudioFacts(mp3[0]?.filePath as string)).format).toBe("mp3");
    expect((await readAudioFacts(m4a[1]?.filePath as string)).format).toBe("m4a");
    expect(harness.site.stats.downloads).toEqual({ wav: 0, mp3: 2, m4a: 2 });
    expect(harness.site.stats.prompts[1]).toBe("ambient\nInstrumental only, no vocals.");
  });

  it("saves the refreshed login state with mode 0600 after a generation", async () => {
    await harness.session.generate({ prompt: "state", format: "wav" });
    const mode = fs.statSync(harness.config.paths.stateFile).mode & 0o777;
    expect(mode).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(harness.config.paths.stateFile, "utf8")).cookies.length).toBeGreaterThan(0);
  });

  it("downloads each song through its own card's menu while earlier menus stay open: distinct, byte-exact files", async () => {
    harness.site.faults.set("menu-stays-open");
    await withSettings(harness.site.settings, { songsPerGeneration: 3 }, async () => {
      const songs = await harness.session.generate({ prompt: "open menus everywhere", format: "wav" });
      expect(songs).toHaveLength(3);
      await expectExactSongs(harness.site, songs);
      expect(harness.site.stats.served.map((entry) => entry.clipId)).toEqual(songs.map((song) => song.clipId));
    });
  });

  it("stops at once when the caller aborts", async () => {
    const controller = new AbortController();
    harness.site.faults.set("reply-never", { times: 1 });
    const pending = harness.session.generate({ prompt: "never mind", format: "wav" }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    await expect(pending).rejects.toMatchObject({ code: "CANCELLED" });
  });
});
