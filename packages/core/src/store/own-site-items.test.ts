import { afterEach, describe, expect, it } from "vitest";
import type { JobInput } from "../generate-input.js";
import type { ProducerDatabase } from "./database.js";
import { DIALECTS, freshDatabase } from "./dialects.test-helper.js";
import { JobStore } from "./job-store.js";
import { TrackStore } from "./track-store.js";

let handle: ProducerDatabase | undefined;
afterEach(async () => {
  await handle?.close();
  handle = undefined;
});

const scope = { account: "a", withUnbound: true };

describe.each(DIALECTS)("OwnSiteItems on $dialect", ({ dialect, skip }) => {
  it.skipIf(skip)(
    "knows producer's songs and conversations, never an import, and the clips jobs still name",
    async () => {
      handle = await freshDatabase(dialect, "own-site-items");
      const jobs = new JobStore(handle.db, handle.dialect);
      const tracks = new TrackStore(handle.db);
      const job = async (status: string, submission: object | null, source?: string) => {
        const input: JobInput = { prompt: "p", instrumental: false, format: "wav", priority: 0 };
        const { row } = await jobs.insert({
          input: source ? { ...input, source: { clipId: source } } : input,
          maxAttempts: 3,
          maxQueued: 100,
          retryAfterMs: async () => 0,
        });
        await handle?.db
          .updateTable("jobs")
          .set({ status, submission: submission ? JSON.stringify(submission) : null, account: "a" })
          .where("id", "=", row.id)
          .execute();
        return row.id;
      };
      const song = async (jobId: string, index: number, clipId: string, operation: string | null = null) =>
        tracks.record({
          jobId,
          songIndex: index,
          projectId: null,
          userId: null,
          title: `Song ${clipId}`,
          prompt: "p",
          format: "wav",
          codec: "PCM",
          container: "WAVE",
          durationSecs: 2,
          sampleRate: 44_100,
          channels: 2,
          bitrate: 1_411_200,
          sizeBytes: 100,
          sha256: "0".repeat(64),
          storage: { kind: "local", bucket: null, key: `${jobId}/${index}`, url: `file:///${jobId}/${index}` },
          clipId,
          account: index === 2 ? "b" : "a",
          operation,
        });
      const done = await job("succeeded", { state: "accepted", submittedAt: "x", prompt: "p", clipIds: ["c1", "c2"] });
      await song(done, 0, "c1");
      await song(done, 1, "imported", "import");
      await song(done, 2, "other-account");
      await job("generating", { state: "accepted", submittedAt: "x", prompt: "p", clipIds: ["c9"] }, "c1");
      await job("failed", { state: "accepted", submittedAt: "x", prompt: "p", clipIds: ["c8"] });

      expect((await tracks.own.songs(scope)).map((own) => own.clipId)).toEqual(["c1"]);
      const inUse = await tracks.own.inUse(scope);
      expect([...inUse.clipIds].sort()).toEqual(["c1", "c8", "c9"]);
      expect(inUse.jobsUnderWay).toBe(1);

      await tracks.own.noteSubmission(
        { state: "accepted", submittedAt: "x", prompt: "p", account: "a", conversationMade: "conv" },
        done,
      );
      await tracks.own.noteSubmission(
        { state: "accepted", submittedAt: "x", prompt: "p", conversationMade: "conv" },
        null,
      );
      expect((await tracks.own.conversations(scope)).map((own) => [own.id, own.jobId])).toEqual([["conv", done]]);
      expect(await tracks.own.conversations({ account: "b", withUnbound: false })).toEqual([]);

      await tracks.own.songsDeleted(["c1"], "a");
      await tracks.own.conversationsDeleted(["conv"]);
      expect(await tracks.own.songs(scope)).toEqual([]);
      expect(await tracks.own.conversations(scope)).toEqual([]);
    },
  );
});
