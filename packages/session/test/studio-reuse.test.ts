import { timed, withSettings } from "@producer/test-utils";
import { describe, expect, it } from "vitest";
import { expectExactSongs } from "./exact-songs.js";
import { stackForFile } from "./stack.js";

const harness = stackForFile({ config: { browser: { studioReuseMs: 600_000 } } }, (stack) => {
  stack.resetSite();
  stack.site.setCredits(500);
});

const studioLoads = () => harness.site.stats.pageLoads[String(harness.config.site.paths.studio)] ?? 0;
const calls = () => harness.site.stats.flow.generationCalls["producer@example.test"] ?? 0;

describe("the studio a job left well is the next job's, as a script on an open page would use it", () => {
  it("loads the studio once for jobs back to back, reading the balance inside the page instead", async () => {
    await harness.session.generate({ prompt: "first", format: "wav" });
    const loads = studioLoads();
    for (const prompt of ["second", "third"]) {
      const songs = await harness.session.generate({ prompt, format: "wav" });
      await expectExactSongs(harness.site, songs);
    }
    expect(studioLoads()).toBe(loads);
    expect(calls()).toBe(3);
  });

  it("keeps one studio for more jobs than a stream's worth of connections when the app closes its streams", async () => {
    await harness.session.generate({ prompt: "opening", format: "wav" });
    const loads = studioLoads();
    for (let index = 0; index < 7; index += 1)
      await harness.session.generate({ prompt: `next ${index}`, format: "wav" });
    expect(studioLoads()).toBe(loads);
    expect(calls()).toBe(8);
  });

  it("loads the studio again before the streams the app keeps open could take the host's six connections", async () => {
    await withSettings(harness.site.settings, { directStreamStaysOpen: true }, async () => {
      await harness.session.generate({ prompt: "opening", format: "wav" });
      const loads = studioLoads();
      for (let index = 0; index < 7; index += 1) {
        const songs = await harness.session.generate({ prompt: `open stream ${index}`, format: "wav" });
        await expectExactSongs(harness.site, songs);
      }
      // Seven streams left open on one page would have stalled the seventh job; a load every few jobs closes them.
      expect(studioLoads()).toBeGreaterThanOrEqual(loads + 2);
      expect(calls()).toBe(8);
    });
  });

  it("loads the studio again after a job that failed", async () => {
    await harness.session.generate({ prompt: "before", format: "wav" });
    harness.site.faults.set("song-failed", { times: 1 });
    const { error } = await timed(() => harness.session.generate({ prompt: "fails", format: "wav" }));
    expect(error).toMatchObject({ code: "GENERATION_FAILED" });
    const loads = studioLoads();
    const songs = await harness.session.generate({ prompt: "after", format: "wav" });
    await expectExactSongs(harness.site, songs);
    expect(studioLoads()).toBe(loads + 1);
  });

  it("sees a login that ended on the page it would reuse, and submits nothing", async () => {
    await harness.session.generate({ prompt: "signed in", format: "wav" });
    const before = calls();
    harness.site.expireSessions();
    const { error } = await timed(() => harness.session.generate({ prompt: "signed out", format: "wav" }));
    expect(calls()).toBe(before);
    expect(error).toMatchObject({ code: "SESSION_EXPIRED" });
  });
});
