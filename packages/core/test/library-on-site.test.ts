import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { S3Storage } from "@producer/utils";
import type { Job, QueuedResult } from "../src/index.js";
import { createStack, type CoreStack } from "./stack.js";

let harness: CoreStack;
beforeAll(async () => {
  harness = await createStack({ simulator: { songDurationSecs: [2, 3] } });
  harness.site.seedLibrary(undefined, 3);
}, 120_000);
afterAll(() => harness?.close());

const toolCalls = () => Object.values(harness.site.stats.flow.toolCalls).reduce((sum, count) => sum + count, 0);
const ended = (result: unknown): Promise<Job> =>
  harness.service.waitForJob((result as { jobId: string }).jobId, { timeoutMs: 90_000 });
/** The account's songs the site holds, newest first. */
const siteSongs = () => harness.site.flowClips().sort((a, b) => b.createdAt - a.createdAt);

describe("the account's library and imports, on real parts", () => {
  it("lists the library with no track for a song never stored, then imports one: 0 tool calls, the served bytes", async () => {
    const listed = await harness.service.library({ limit: 2 });
    expect(listed.songs.map((song) => song.clipId)).toEqual(
      siteSongs()
        .slice(0, 2)
        .map((clip) => clip.id),
    );
    expect(listed.songs.every((song) => song.trackId === null)).toBe(true);

    const old = listed.songs[1] as (typeof listed.songs)[number];
    const calls = toolCalls();
    const credits = harness.site.credits();
    const job = await ended(await harness.service.importSong({ clipId: old.clipId, format: "mp3" }));
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
    expect(toolCalls()).toBe(calls);
    expect(harness.site.credits()).toBe(credits);
    expect(job.tracks).toHaveLength(1);
    const track = job.tracks[0] as Job["tracks"][number];
    expect(track).toMatchObject({
      operation: "import",
      clipId: old.clipId,
      sourceClipId: old.clipId,
      sourceTrackId: null,
      title: old.title,
      format: "mp3",
      codec: "MPEG 1 Layer 3",
    });
    expect(track.sha256).toBe(harness.site.servedSha256(old.clipId, "mp3"));
    expect((await (harness.service.storage as S3Storage).head(track.storage.key))?.size).toBe(track.sizeBytes);
    expect(track.siteDurationSecs).toBeCloseTo(old.durationSecs as number, 1);

    const again = await harness.service.library({ limit: 2 });
    expect(again.songs[1]?.trackId).toBe(track.id);
  });

  it("an import of a song already stored in that format answers with the job that stored it", async () => {
    const [song] = (await harness.service.library({ limit: 1, offset: 2 })).songs;
    const first = await ended(await harness.service.importSong({ clipId: song?.clipId as string }));
    expect(first.status).toBe("succeeded");
    const jobs = (await harness.service.listJobs({ limit: 200 })).jobs.length;
    const second = (await harness.service.importSong({ clipId: song?.clipId as string })) as QueuedResult;
    expect(second).toMatchObject({ jobId: first.id, reused: true });
    expect((await harness.service.listJobs({ limit: 200 })).jobs.length).toBe(jobs);
    const direct = await harness.service.importSong({ clipId: song?.clipId as string, useQueue: false });
    expect(direct).toMatchObject({ jobId: first.id, status: "succeeded", completed: true });
  });

  it("an imported song is the source of an operation: a trim of it by clip id, with its lineage", async () => {
    const [song] = (await harness.service.library({ limit: 1, offset: 1 })).songs;
    const job = await ended(await harness.service.trim({ clipId: song?.clipId as string, startSecs: 0, endSecs: 1 }));
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
    expect(job.tracks[0]).toMatchObject({ operation: "trim", sourceClipId: song?.clipId });
    expect(job.tracks[0]?.durationSecs).toBeCloseTo(1, 0);
  });

  it("refuses a bad page with the fields named, and a clip the library lacks fails with nothing spent", async () => {
    const bad = await harness.service.library({ limit: 0, offset: -1 }).catch((error: unknown) => error);
    expect(bad).toMatchObject({ code: "INVALID_INPUT" });
    expect((bad as { fields: Array<{ path: string }> }).fields.map((field) => field.path)).toEqual(["limit", "offset"]);
    const calls = toolCalls();
    const job = await ended(await harness.service.importSong({ clipId: "not-in-the-library" }));
    expect(job).toMatchObject({ status: "failed", recoverable: false });
    expect(job.error?.code).toBe("NOT_FOUND");
    expect(toolCalls()).toBe(calls);
  });
});

describe("a clip of one account's library, with two accounts", () => {
  it("lists each account's own songs, and an operation on a clip imported from Y runs on Y while X, the first, is idle", async () => {
    const emails = { x: "x@library.test", y: "y@library.test" };
    const stack = await createStack({
      name: "library-accounts",
      accounts: emails,
      simulator: { songDurationSecs: [2, 3], startingCredits: 1000 },
    });
    try {
      stack.site.seedLibrary(emails.y, 1);
      const clip = stack.site.flowClips().find((candidate) => candidate.account === emails.y);
      const ofY = await stack.service.library({ account: "y" });
      const ofX = await stack.service.library({ account: "x" });
      expect(ofY).toMatchObject({ account: "y", songs: [{ clipId: clip?.id }] });
      expect(ofX.songs.map((song) => song.clipId)).not.toContain(clip?.id);

      const imported = await stack.service.waitForJob(
        ((await stack.service.importSong({ clipId: clip?.id as string, account: "y" })) as QueuedResult).jobId,
        { timeoutMs: 90_000 },
      );
      expect(imported).toMatchObject({ status: "succeeded", account: "y" });
      const runs = { ...stack.site.stats.flow.toolRuns };
      const extended = await stack.service.waitForJob(
        ((await stack.service.extend({ clipId: clip?.id as string, seconds: 2 })) as QueuedResult).jobId,
        { timeoutMs: 90_000 },
      );
      expect(extended.status, JSON.stringify(extended.error)).toBe("succeeded");
      // Not the daemon's first account (x): the one whose library holds the clip.
      expect(extended.account).toBe("y");
      expect(extended.tracks[0]).toMatchObject({ operation: "extend", sourceClipId: clip?.id, account: "y" });
      expect(stack.site.stats.flow.toolRuns.audio__render_edit).toBe((runs.audio__render_edit ?? 0) + 1);

      // A new song with that clip as its reference runs on Y too: the chat names a clip of Y's library.
      const seeded = await stack.service.waitForJob(
        ((await stack.service.generateMusic({ prompt: "in its style", referenceClipId: clip?.id })) as QueuedResult)
          .jobId,
        { timeoutMs: 90_000 },
      );
      expect(seeded.status, JSON.stringify(seeded.error)).toBe("succeeded");
      expect(seeded.tracks[0]).toMatchObject({ operation: "reference", sourceClipId: clip?.id, account: "y" });
      expect(stack.site.stats.flow.chatsAboutSongs.map((chat) => chat.clipId)).toEqual([clip?.id]);
    } finally {
      await stack.close();
    }
  }, 180_000);
});
