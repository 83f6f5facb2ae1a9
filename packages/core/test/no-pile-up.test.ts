import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listFiles } from "@producer/test-utils";
import { createStack, type CoreStack } from "./stack.js";

const GENERATIONS = Number(process.env.PRODUCER_TEST_GENERATIONS ?? 200);
const AUDIO = /\.(wav|mp3|m4a)$/i;
let harness: CoreStack | undefined;
afterAll(() => harness?.close());

/**
 * Playwright's folders in the system temp dir, and the audio in them: where a download would land if the browser
 * wrote outside the data dir. Only where the project could write is looked at — other programs on the machine
 * may keep audio in /tmp.
 */
function tempDirSnapshot() {
  const entries = fs.readdirSync(os.tmpdir());
  const playwright = entries.filter((name) => /^playwright(-artifacts-|_chromiumdev_profile-)/.test(name));
  const audio = playwright
    .flatMap((name) => {
      const full = path.join(os.tmpdir(), name);
      try {
        return fs.statSync(full).isDirectory() ? listFiles(full) : [full];
      } catch {
        return [];
      }
    })
    .filter((file) => AUDIO.test(file));
  return { playwright: new Set(playwright), audio: new Set(audio) };
}

describe("nothing piles up", () => {
  it(`keeps no audio and no browser files behind after ${GENERATIONS} generations in one service`, async () => {
    harness = await createStack({ simulator: { songDurationSecs: [0.3, 0.6], statusPollMs: 100 } });
    const h = harness;
    await h.session.start();
    h.site.setCredits(GENERATIONS * 10 + 100);
    const before = tempDirSnapshot();
    const browserDir = h.session.pool.browserDir as string;
    expect(browserDir.startsWith(path.join(h.dataDir, "browser"))).toBe(true);
    let largestBrowserDirBytes = 0;
    for (let index = 0; index < GENERATIONS; index += 1) {
      const { jobId } = (await h.service.generateMusic({ prompt: `pile ${index}`, format: "mp3" })) as {
        jobId: string;
      };
      const job = await h.service.waitForJob(jobId, { timeoutMs: 60_000 });
      expect(job.status, `job ${index}`).toBe("succeeded");
      if (index % 20 === 0) {
        const size = listFiles(browserDir).reduce(
          (total, file) => total + (fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0),
          0,
        );
        largestBrowserDirBytes = Math.max(largestBrowserDirBytes, size);
      }
    }
    expect(h.site.stats.generations).toBe(GENERATIONS);
    // In the data dir: no audio once every job is stored, and no download left in the browser's folder.
    expect(listFiles(h.dataDir).filter((file) => AUDIO.test(file))).toEqual([]);
    expect(listFiles(path.join(browserDir, "downloads"))).toEqual([]);
    // In /tmp: no new Playwright profile or artifacts folder, and no audio in one.
    const after = tempDirSnapshot();
    expect([...after.audio].filter((file) => !before.audio.has(file))).toEqual([]);
    expect([...after.playwright].filter((name) => !before.playwright.has(name))).toEqual([]);
    // The private files are the owner's alone.
    expect(fs.statSync(path.join(h.dataDir, "producer.db")).mode & 0o777).toBe(0o600);
    expect(fs.statSync(h.config.paths.stateFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(browserDir).mode & 0o777).toBe(0o700);
    console.log(`${GENERATIONS} generations; browser folder at most ${(largestBrowserDirBytes / 1e6).toFixed(1)} MB`);
  }, 900_000);
});
