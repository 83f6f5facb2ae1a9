import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CleanupResult, Job } from "../src/index.js";
import { createStack, type CoreStack } from "./stack.js";

let harness: CoreStack;
const made: Job[] = [];
let outsideConversation: string;

/** The account's Bearer, from the chunked login cookie the simulator issues (`base64-<JSON session>`). */
function bearer(): string {
  const { cookies } = harness.site.issueSession() as { cookies: Array<{ name: string; value: string }> };
  const joined = cookies
    .filter((cookie) => /auth-token\.\d+$/.test(cookie.name))
    .sort((a, b) => Number(a.name.split(".").at(-1)) - Number(b.name.split(".").at(-1)))
    .map((cookie) => cookie.value)
    .join("");
  return JSON.parse(Buffer.from(joined.replace(/^base64-/, ""), "base64").toString("utf8")).access_token;
}

const ended = (result: unknown): Promise<Job> =>
  harness.service.waitForJob((result as { jobId: string }).jobId, { timeoutMs: 90_000 });
const clip = (id: string | null) => harness.site.flowClips().find((candidate) => candidate.id === id);
const cleanup = async (input: Parameters<CoreStack["service"]["cleanupLibrary"]>[0]) =>
  (await harness.service.cleanupLibrary(input)).result as CleanupResult;

beforeAll(async () => {
  harness = await createStack({
    config: { site: { submit: "api", songPrivacy: "private" } },
    simulator: { songDurationSecs: [2, 3], generationMs: 0 },
  });
  harness.site.setCredits(500);
  // A song and a conversation the user made on the site themselves, and that song imported (stored, not made here).
  harness.site.seedLibrary(undefined, 1);
  const answer = await fetch(`${harness.site.url}/__api/conversation/create`, {
    method: "POST",
    headers: { authorization: `Bearer ${bearer()}`, "content-type": "application/json" },
    body: JSON.stringify({ project_id: null }),
  });
  outsideConversation = ((await answer.json()) as { conversation_id: string }).conversation_id;
  for (const title of ["Tidy one", "Other two"])
    made.push(await ended(await harness.service.generateMusic({ prompt: `${title} song`, title })));
}, 240_000);
afterAll(() => harness?.close());

describe("library cleanup deletes only what producer made and stored", () => {
  it("jobs share one conversation, and each new song was set private once", async () => {
    expect(made.map((job) => job.status)).toEqual(["succeeded", "succeeded"]);
    expect(harness.site.flowConversations()).toHaveLength(2);
    const ours = made.flatMap((job) => job.tracks.map((track) => track.clipId));
    expect(ours.map((id) => clip(id)?.privacy)).toEqual(ours.map(() => "private"));
    expect(harness.site.stats.flow.library.privacyChanges).toBe(ours.length);
    const outside = harness.site.flowClips().find((candidate) => candidate.title.startsWith("Archive Song"));
    expect(outside?.privacy).toBe("unlisted");
    const imported = await ended(await harness.service.importSong({ clipId: outside?.id as string }));
    expect(imported.status).toBe("succeeded");
    // An import makes no song: its privacy is the user's.
    expect(harness.site.stats.flow.library.privacyChanges).toBe(ours.length);
  });

  it("a dry run lists only producer's stored songs and conversation, filters by title, and deletes nothing", async () => {
    const ours = made.flatMap((job) => job.tracks.map((track) => track.clipId));
    const dry = await cleanup({ conversations: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.songs.map((song) => song.clipId).sort()).toEqual([...ours].sort());
    const [producerConversation] = harness.site.flowConversations().filter((id) => id !== outsideConversation);
    expect(dry.conversations.map((conversation) => conversation.id)).toEqual([producerConversation]);
    const byTitle = await cleanup({ prefix: "tidy" });
    expect(byTitle.songs.map((song) => song.clipId)).toEqual(made[0]?.tracks.map((track) => track.clipId));
    expect(await cleanup({ olderThanDays: 1 })).toMatchObject({ songs: [], conversations: [] });
    expect(harness.site.stats.flow.library).toMatchObject({ deletes: 0, conversationsDeleted: 0 });
    expect(harness.site.flowClips().every((candidate) => !candidate.deleted)).toBe(true);
  });

  it("with a job under way, deletes the stored songs only: never its unstored songs, the user's song or conversation", async () => {
    harness.site.settings.generationMs = 8000;
    const before = harness.site.flowClips().length;
    const { jobId } = (await harness.service.generateMusic({ prompt: "in flight", title: "Tidy late" })) as {
      jobId: string;
    };
    await expect.poll(() => harness.site.flowClips().length, { timeout: 60_000 }).toBeGreaterThan(before);
    const inFlight = harness.site.flowClips().slice(before);
    const applied = await cleanup({ conversations: true, apply: true });
    const ours = made.flatMap((job) => job.tracks.map((track) => track.clipId));
    expect(applied.deleted).toEqual({ songs: ours.length, conversations: 0 });
    expect(applied.kept.map((kept) => kept.reason)).toEqual([expect.stringContaining("under way")]);
    expect(ours.every((id) => clip(id)?.deleted)).toBe(true);
    expect(inFlight.every((song) => !clip(song.id)?.deleted)).toBe(true);
    const outside = harness.site.flowClips().filter((candidate) => candidate.title.startsWith("Archive Song"));
    expect(outside.map((song) => song.deleted)).toEqual([false]);
    expect(harness.site.stats.flow.library).toMatchObject({ deletes: ours.length, conversationsDeleted: 0 });

    harness.site.settings.generationMs = 0;
    const late = await harness.service.waitForJob(jobId, { timeoutMs: 90_000 });
    expect(late.status).toBe("succeeded");
    const second = await cleanup({ conversations: true, apply: true });
    expect(second.songs.map((song) => song.clipId).sort()).toEqual(late.tracks.map((track) => track.clipId).sort());
    expect(second.deleted).toEqual({ songs: late.tracks.length, conversations: 1 });
    expect(harness.site.flowConversations()).toEqual([outsideConversation]);
    expect(outside.map((song) => clip(song.id)?.deleted)).toEqual([false]);
    expect(await cleanup({ conversations: true })).toMatchObject({ songs: [], conversations: [], kept: [] });
  });
});
