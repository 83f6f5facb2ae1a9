import type { GeneratedSong, SubmissionRecord } from "@producer/utils";
import { beforeAll, describe, expect, it } from "vitest";
import { stackForFile } from "./stack.js";

const harness = stackForFile({
  config: { site: { submit: "api" } },
  simulator: { songDurationSecs: [2, 3], generationMs: 0 },
});
const songs: GeneratedSong[] = [];
const records: SubmissionRecord[] = [];

beforeAll(async () => {
  harness.site.setCredits(500);
  // Three jobs by the app's own tool call: one conversation for all, made once and named on the first record.
  for (const prompt of ["tidy one", "tidy two", "tidy three"]) {
    songs.push(
      ...(await harness.session.generate(
        { prompt, format: "m4a" },
        { onSubmission: async (record) => void records.push({ ...record }) },
      )),
    );
  }
}, 240_000);

const library = () => ({ ...harness.site.stats.flow.library });
const clip = (id: string | undefined) => harness.site.flowClips().find((candidate) => candidate.id === id);

describe("a tidy library from inside the warm page", () => {
  it('jobs by site.submit "api" share one conversation, named once on the record that made it', () => {
    expect(harness.site.flowConversations()).toHaveLength(1);
    const made = [...new Set(records.map((record) => record.conversationMade).filter(Boolean))];
    expect(made).toEqual(harness.site.flowConversations());
  });

  it("library.rename and library.privacy hit PATCH /clips/<id> once per song; a missing song is NOT_FOUND", async () => {
    const [first, second] = songs as [GeneratedSong, GeneratedSong];
    const before = library();
    const renamed = await harness.session.runTask({ kind: "library.rename", clipId: first.clipId, title: "Renamed" });
    expect(renamed.result).toEqual({ clip: { id: first.clipId, title: "Renamed", privacy: "unlisted" } });
    expect(clip(first.clipId)?.title).toBe("Renamed");
    const privacy = await harness.session.runTask({
      kind: "library.privacy",
      clipIds: [first.clipId, second.clipId],
      privacy: "private",
    });
    expect((privacy.result.clips as Array<{ privacy: string }>).map((row) => row.privacy)).toEqual([
      "private",
      "private",
    ]);
    expect([clip(first.clipId)?.privacy, clip(second.clipId)?.privacy]).toEqual(["private", "private"]);
    expect(library()).toEqual({ ...before, renames: before.renames + 1, privacyChanges: before.privacyChanges + 2 });
    await expect(
      harness.session.runTask({ kind: "library.rename", clipId: "00000000-0000-4000-8000-000000000000", title: "x" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("conversations.list names each with its clip count; library.delete and conversations.delete each call once", async () => {
    const listed = await harness.session.runTask({ kind: "conversations.list" });
    const [conversation] = harness.site.flowConversations();
    expect(listed.result.conversations).toEqual([
      { id: conversation, title: expect.any(String), clipCount: songs.length },
    ]);
    const before = library();
    const doomed = songs.at(-1) as GeneratedSong;
    const deleted = await harness.session.runTask({ kind: "library.delete", clipIds: [doomed.clipId] });
    expect(deleted.result).toEqual({ deleted: [doomed.clipId] });
    expect(clip(doomed.clipId)?.deleted).toBe(true);
    const gone = await harness.session.runTask({ kind: "conversations.delete", conversationIds: [conversation] });
    expect(gone.result).toEqual({ deleted: [conversation], notFound: [] });
    expect(harness.site.flowConversations()).toEqual([]);
    expect(library()).toEqual({ ...before, deletes: before.deletes + 1, conversationsDeleted: 1 });
  });

  it("finds no drift in the library's answers (the facts' shapes)", () => {
    expect(Object.keys(harness.session.shapeDrift.checked())).toEqual(
      expect.arrayContaining(["api.clipUpdate", "api.conversations", "api.conversationClipCount"]),
    );
    expect(harness.session.shapeDrift.entries()).toEqual([]);
  });
});
