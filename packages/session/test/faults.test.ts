import fs from "node:fs";
import { ProducerError, readAudioFacts } from "@producer/utils";
import { describe, expect, it } from "vitest";
import { siteSettingsFor, type Fault } from "@producer/simulator";
import { timed, withSettings } from "@producer/test-utils";
import { expectExactSongs } from "./exact-songs.js";
import { stackForFile } from "./stack.js";

/**
 * The simulator's test timeouts, with a longer wait for elements: a blocker seen on sight ends well inside it even
 * on a busy machine, and one that waited for it would show.
 */
const TIMEOUTS = { ...siteSettingsFor({ url: "" }).timeouts, elementMs: 8_000 };

const harness = stackForFile(
  { simulator: { slowExportMs: 1500, variant: "producerai-2025" }, config: { site: { timeouts: TIMEOUTS } } },
  (stack) => stack.resetSite(),
);

/**
 * Each fault must end in its own error, and blockers must be seen on sight: `within` is the longest the
 * failure may take. A blocker ends before the element wait it would otherwise have sat through; a reply or
 * file that never comes ends at its one timeout, not at two of them or at the generation's.
 */
/** `submits`: the prompts the failed attempt sent: none before the page is usable, one for a fault after the send. */
const cases: Array<{ fault: Fault; code: string; retryable: boolean; within: number; submits: number; step?: string }> =
  [
    { fault: "logged-out", code: "SESSION_EXPIRED", retryable: false, within: TIMEOUTS.elementMs, submits: 0 },
    { fault: "challenge", code: "CHALLENGE", retryable: false, within: TIMEOUTS.elementMs, submits: 0 },
    { fault: "quota-exhausted", code: "QUOTA_EXHAUSTED", retryable: false, within: TIMEOUTS.elementMs, submits: 0 },
    { fault: "http-500", code: "UNAVAILABLE", retryable: true, within: TIMEOUTS.elementMs, submits: 0 },
    {
      fault: "reply-never",
      code: "SITE_CHANGED",
      retryable: false,
      within: TIMEOUTS.replyMs * 2,
      submits: 1,
      step: "reply",
    },
    {
      fault: "download-never",
      code: "TIMEOUT",
      retryable: true,
      within: TIMEOUTS.downloadMs * 2,
      submits: 1,
      step: "download",
    },
  ];

describe("every injected fault ends in its own error", () => {
  for (const { fault, code, retryable, within, submits, step } of cases) {
    it(`${fault} → ${code}`, async () => {
      harness.site.faults.set(fault);
      const { error, ms } = await timed(() => harness.session.generate({ prompt: `fault ${fault}`, format: "wav" }));
      expect(ProducerError.isInstance(error), String(error)).toBe(true);
      const failure = error as ProducerError;
      expect(failure.code).toBe(code);
      expect(failure.retryable).toBe(retryable);
      expect(ms).toBeLessThan(within);
      if (step) expect(failure.details.step).toBe(step);
      const artifacts = failure.details.artifacts as { screenshot?: string; html?: string };
      expect(fs.existsSync(artifacts.screenshot as string), "screenshot saved").toBe(true);
      expect(fs.readFileSync(artifacts.html as string, "utf8")).toContain("<html");
      expect(artifacts.screenshot?.startsWith(harness.config.paths.artifactsDir)).toBe(true);
      expect(harness.site.stats.prompts, "prompts the failed attempt sent").toHaveLength(submits);
      harness.site.faults.clear();
      const after = await harness.session.generate({ prompt: `after ${fault}`, format: "wav" });
      expect(after).toHaveLength(2);
      await expectExactSongs(harness.site, after);
      expect(harness.site.stats.prompts).toHaveLength(submits + 1);
    });
  }
});

describe("faults the driver works through", () => {
  it("returns the songs that have audio when one comes back without", async () => {
    harness.site.faults.set("song-without-audio", { times: 1 });
    const songs = await harness.session.generate({ prompt: "one missing", format: "wav" });
    expect(songs.map((song) => song.index)).toEqual([1]);
    expect((await readAudioFacts(songs[0]?.filePath as string)).format).toBe("wav");
  });

  it("fails with GENERATION_FAILED, not retried (a retry would pay again), when no song has audio", async () => {
    harness.site.faults.set("song-without-audio", { times: 1 });
    await withSettings(harness.site.settings, { songsPerGeneration: 1 }, async () => {
      const { error } = await timed(() => harness.session.generate({ prompt: "nothing", format: "wav" }));
      expect(error).toMatchObject({ code: "GENERATION_FAILED", retryable: false });
    });
  });

  it("waits through a slow export", async () => {
    harness.site.faults.set("slow-export");
    const songs = await harness.session.generate({ prompt: "slow", format: "mp3" });
    expect(songs).toHaveLength(2);
    expect(harness.site.stats.downloads.mp3).toBe(2);
  });

  it("closes a dialog that covers the buttons", async () => {
    harness.site.faults.set("overlay", { times: 1 });
    const songs = await harness.session.generate({ prompt: "covered", format: "wav" });
    expect(songs).toHaveLength(2);
  });
});
