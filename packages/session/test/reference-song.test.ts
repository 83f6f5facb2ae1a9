import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { synthesizeWav } from "@producer/test-utils";
import type { SubmissionRecord } from "@producer/utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectExactSongs } from "./exact-songs.js";
import { createStack, type SessionStack } from "./stack.js";

let harness: SessionStack;
let folder: string;
let reference: string;

beforeAll(async () => {
  harness = await createStack({
    simulator: { songDurationSecs: [2, 3], generationMs: 0, uploadCheckMs: 300 },
    // A lost answer is looked for this long before the retry gives up on finding its songs.
    config: { site: { timeouts: { songStartMs: 5000 } } },
  });
  await harness.session.start();
  folder = await fs.mkdtemp(path.join(os.tmpdir(), "reference-test-"));
  const wavPath = path.join(folder, "hum.wav");
  await fs.writeFile(wavPath, synthesizeWav({ seed: "a hummed tune", durationSecs: 1.5 }));
  const { result } = await harness.session.runTask({ kind: "upload", filePath: wavPath });
  reference = result.clipId as string;
}, 180_000);
afterAll(async () => {
  await harness?.close();
  if (folder) await fs.rm(folder, { recursive: true, force: true });
});

const flow = () => harness.site.stats.flow;
const counts = () => ({
  chats: flow().chatMessages.length,
  calls: flow().generationCalls["producer@example.test"] ?? 0,
  tools: { ...flow().toolCalls },
});

describe("a new song seeded with an uploaded clip as its reference track", () => {
  it("is asked once by chat, about the clip, in the facts' words; the songs made are stored as served", async () => {
    const before = counts();
    const records: SubmissionRecord[] = [];
    const songs = await harness.session.generate(
      {
        prompt: "a dub version",
        format: "wav",
        instrumental: true,
        durationSecs: 75,
        bpm: 90,
        referenceClipId: reference,
      },
      { onSubmission: async (record) => void records.push(record) },
    );
    const after = counts();
    expect(after.chats - before.chats).toBe(1);
    expect(after.calls - before.calls).toBe(1);
    expect(after.tools).toEqual(before.tools);
    expect(flow().chatsAboutSongs.at(-1)).toEqual({
      content:
        "Make a song with my uploaded audio as the reference track. Sound: a dub version, 90 bpm\nInstrumental, no vocals.\nLength 1:15.",
      clipId: reference,
      songQueue: [reference],
    });
    expect(songs.length).toBeGreaterThan(0);
    expect(songs.map((song) => song.clipId)).not.toContain(reference);
    await expectExactSongs(harness.site, songs);
    expect(records[0]).toMatchObject({ state: "sending" });
    const accepted = records.at(-1) as SubmissionRecord;
    expect(accepted).toMatchObject({ state: "accepted", clipIds: songs.map((song) => song.clipId) });
    // The chat went to a conversation of its own, kept on the record so cleanup can find it.
    expect(accepted.conversationMade).toEqual(expect.any(String));
  }, 120_000);

  it("lyrics travel in the message; a resume from the record finds the songs in the stream and sends nothing", async () => {
    const records: SubmissionRecord[] = [];
    const request = { prompt: "bossa", format: "mp3" as const, lyrics: "sol e mar", referenceClipId: reference };
    const songs = await harness.session.generate(request, {
      onSubmission: async (record) => void records.push(record),
    });
    expect(flow().chatsAboutSongs.at(-1)?.content).toBe(
      "Make a song with my uploaded audio as the reference track. Sound: bossa\nLyrics:\nsol e mar",
    );
    const sent = records.find((record) => record.siteJobId) as SubmissionRecord;
    const before = counts();
    const resumed = await harness.session.generate(request, { resume: { ...sent, clipIds: [], opIds: [] } });
    expect(counts()).toEqual(before);
    expect(resumed.map((song) => song.clipId)).toEqual(songs.map((song) => song.clipId));
  }, 120_000);

  it("a clip the account does not have: the agent's call fails, nothing is charged, the chat is not sent again", async () => {
    const before = counts();
    const credits = harness.site.credits();
    await expect(
      harness.session.generate({ prompt: "x", format: "wav", referenceClipId: "not-in-this-library" }),
    ).rejects.toMatchObject({ code: "GENERATION_FAILED", details: { errorType: "tool_call_failure" } });
    expect(counts().chats - before.chats).toBe(1);
    expect(harness.site.credits()).toBe(credits);
  }, 120_000);

  it("a chat whose answer was lost is never sent again: the retry says its songs may exist", async () => {
    harness.site.faults.set("reply-lost", { times: 1 });
    const records: SubmissionRecord[] = [];
    const request = { prompt: "lost at sea", format: "wav" as const, referenceClipId: reference };
    const failure = await harness.session
      .generate(request, { onSubmission: async (record) => void records.push(record) })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "UNAVAILABLE", details: { answerLost: true } });
    expect(records.at(-1)).toMatchObject({ state: "sending" });
    const before = counts();
    const retried = await harness.session
      .generate(request, { resume: records.at(-1) as SubmissionRecord })
      .catch((error: unknown) => error);
    expect(retried).toMatchObject({ code: "GENERATION_MAY_EXIST" });
    expect(counts()).toEqual(before);
  }, 120_000);

  it("an agent that answers in words and makes no song: GENERATION_FAILED at the stream's end, nothing charged", async () => {
    harness.site.faults.set("chat-no-song", { times: 1 });
    const credits = harness.site.credits();
    const started = Date.now();
    await expect(
      harness.session.generate({ prompt: "silence", format: "wav", referenceClipId: reference }),
    ).rejects.toMatchObject({ code: "GENERATION_FAILED", retryable: false });
    // Told by the stream's end, not by waiting out songStartMs.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(harness.site.credits()).toBe(credits);
  }, 120_000);

  it("a seed, or the compose mode, with a reference is refused before anything is sent", async () => {
    const before = counts();
    await expect(
      harness.session.generate({ prompt: "x", format: "wav", seed: 4, referenceClipId: reference }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(
      harness.session.generate({ prompt: "x", format: "wav", mode: "compose", referenceClipId: reference }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect(counts()).toEqual(before);
  });
});
