import type { SiteVariantName } from "@producer/simulator";
import { afterEach, describe, expect, it } from "vitest";
import { listFiles } from "@producer/test-utils";
import type { GenerateMusicInput, Job } from "../src/index.js";
import { createStack, type CoreStack } from "./stack.js";

let harness: CoreStack | undefined;
afterEach(() => harness?.close());

/** The whole pipeline — queue → site → download → checks → S3 → track rows — on each generation of the site. */
const cases: Array<{ variant: SiteVariantName; input: GenerateMusicInput; songs: number }> = [
  {
    variant: "flow-2026",
    input: { prompt: "compose on 2026", format: "wav", model: "lyria-3-pro", bpm: 100 },
    songs: 2,
  },
  { variant: "flow-2026", input: { prompt: "chat on 2026", format: "m4a", mode: "chat" }, songs: 2 },
  { variant: "flow-2026", input: { prompt: "stems on 2026", format: "mp3", stems: true }, songs: 10 },
  {
    variant: "producerai-2025",
    input: { prompt: "the 2025 page", title: "Old Page", format: "wav", instrumental: true },
    songs: 2,
  },
  { variant: "renamed", input: { prompt: "the redesigned page", format: "mp3" }, songs: 2 },
];

describe("every generation of the site, through the whole pipeline", () => {
  for (const { variant, input, songs } of cases) {
    it(`${variant}: ${JSON.stringify(input)}`, async () => {
      harness = await createStack({ simulator: { variant } });
      const h = harness;
      const { jobId } = (await h.service.generateMusic({ ...input, projectId: "p-1", userId: "u-1" })) as {
        jobId: string;
      };
      const job: Job = await h.service.waitForJob(jobId, { timeoutMs: 90_000 });
      expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
      expect(job.attempts).toBe(1);
      expect(h.site.stats.generations).toBe(1);
      expect(job.tracks).toHaveLength(songs);
      const hashes = new Set(job.tracks.map((track) => track.sha256));
      expect(hashes.size).toBe(songs);
      for (const track of job.tracks) {
        expect(track.format).toBe(input.format);
        expect(track.sha256).toBe(h.site.servedSha256(track.clipId as string, input.format as "wav"));
        expect(track.storage.key).toMatch(/^users\/u-1\/projects\/music-clip\/p-1\/audio\//);
        const head = await h.service.storage.head(track.storage.key);
        expect(head?.metadata.sha256).toBe(track.sha256);
      }
      expect(listFiles(h.config.paths.downloadsDir)).toEqual([]);
    }, 120_000);
  }

  for (const variant of ["producerai-2025", "renamed"] as const) {
    it(`${variant}: a download that never comes after submission is resumed from each song's page, not sent again`, async () => {
      harness = await createStack({
        simulator: { variant },
        config: { queue: { backoffBaseMs: 100, backoffMaxMs: 200 } },
      });
      const h = harness;
      h.site.faults.set("download-never", { times: 1 });
      const { jobId } = (await h.service.generateMusic({ prompt: `resume on ${variant}`, format: "wav" })) as {
        jobId: string;
      };
      const job: Job = await h.service.waitForJob(jobId, { timeoutMs: 90_000 });
      expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
      expect(job.attempts).toBe(2);
      expect(h.site.stats.generations).toBe(1);
      expect(job.submission?.clipIds).toHaveLength(2);
      expect(job.tracks.map((track) => track.clipId)).toEqual(job.submission?.clipIds);
      for (const track of job.tracks) expect(track.sha256).toBe(h.site.servedSha256(track.clipId as string, "wav"));
    }, 120_000);
  }
});
