import { readAudioFacts } from "@producer/utils";
import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { timed } from "@producer/test-utils";
import { expectExactSongs } from "./exact-songs.js";
import { createStack, type SessionStack } from "./stack.js";

let harness: SessionStack | undefined;
afterEach(() => harness?.close());

describe("a page whose song menus are plain lists of menu items inside each card", () => {
  it('downloads every song byte-exact with one submission (no role="menu", no aria-controls)', async () => {
    harness = await createStack({ simulator: { variant: "producerai-2025", menuShape: "inline" } });
    const songs = await harness.session.generate({ prompt: "bare menus", format: "wav" });
    expect(songs).toHaveLength(2);
    await expectExactSongs(harness.site, songs);
    expect(harness.site.stats.generations).toBe(1);
  });
});

describe("a redesigned site", () => {
  it("is driven by a second selectors profile with no code change", async () => {
    harness = await createStack({ simulator: { variant: "renamed" } });
    expect(harness.config.site.locators.songCard).toBe(".track-tile");
    harness.site.faults.set("overlay", { times: 1 });
    const songs = await harness.session.generate({ prompt: "after the redesign", format: "mp3" });
    expect(songs).toHaveLength(2);
    expect(songs[0]?.clipId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await readAudioFacts(songs[1]?.filePath as string)).format).toBe("mp3");
    await expectExactSongs(harness.site, songs);
    expect(harness.site.stats.generations).toBe(1);
  });

  it("gives SITE_CHANGED, naming the selector, with a snapshot, under the old profile", async () => {
    harness = await createStack({ simulator: { variant: "renamed" }, config: { site: { locators: {} } } });
    const { error } = await timed(() => harness!.session.generate({ prompt: "old profile", format: "wav" }));
    expect(error).toMatchObject({ code: "SITE_CHANGED", retryable: false });
    expect((error as Error).message).toContain("site.locators.promptInput");
    const artifacts = (error as { details: { artifacts: { html: string } } }).details.artifacts;
    expect(fs.readFileSync(artifacts.html, "utf8")).toContain('placeholder="Describe a song..."');
  });
});
