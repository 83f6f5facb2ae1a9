import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { ProducerDatabase } from "./database.js";
import { DIALECTS, freshDatabase } from "./dialects.test-helper.js";
import { TrackStore } from "./track-store.js";

/** A track of its own job, described as given (or not at all). */
async function addTrack(
  tracks: TrackStore,
  song: { title: string; prompt: string; caption?: string; transcript?: string },
): Promise<string> {
  const jobId = randomUUID();
  await tracks.record({
    jobId,
    songIndex: 0,
    projectId: null,
    userId: null,
    title: song.title,
    prompt: song.prompt,
    format: "mp3",
    codec: "MPEG 1 Layer 3",
    container: "MPEG",
    durationSecs: 2,
    sampleRate: 44_100,
    channels: 2,
    bitrate: 128_000,
    sizeBytes: 100,
    sha256: "0".repeat(64),
    storage: { kind: "local", bucket: null, key: `k/${jobId}`, url: `file:///k/${jobId}` },
    clipId: null,
  });
  const [track] = await tracks.forJob(jobId);
  const id = (track as { id: string }).id;
  if (song.caption !== undefined || song.transcript !== undefined)
    await tracks.describe(id, {
      caption: song.caption ?? null,
      transcript: song.transcript ?? null,
      describeError: null,
    });
  return id;
}

for (const { dialect, skip } of DIALECTS) {
  describe.skipIf(skip)(`searching one's tracks (${dialect})`, () => {
    let handle: ProducerDatabase;
    afterEach(() => handle?.close());

    it("a describe keeps the site's model only on a track that names none", async () => {
      handle = await freshDatabase(dialect, "track-model");
      const tracks = new TrackStore(handle.db);
      const id = await addTrack(tracks, { title: "Music box", prompt: "a waltz" });
      expect((await tracks.get(id)).model).toBeNull();
      const described = { caption: "A waltz.", transcript: "[Instrumental]", describeError: null };
      await tracks.describe(id, { ...described, model: "lyria-3.5" });
      expect(await tracks.get(id)).toMatchObject({ model: "lyria-3.5", caption: "A waltz." });
      await tracks.describe(id, { ...described, model: "Lyria 9" });
      await tracks.describe(id, { ...described, caption: "Again." });
      expect(await tracks.get(id)).toMatchObject({ model: "lyria-3.5", caption: "Again." });
    });

    it("finds every word in any case across title, prompt, caption and transcript; % and _ are only characters", async () => {
      handle = await freshDatabase(dialect, "track-search");
      const tracks = new TrackStore(handle.db);
      const intro = await addTrack(tracks, {
        title: "Morning",
        prompt: "calm strings",
        caption: "A slow song that opens with a Piano Intro, then strings.",
        transcript: "wake up, wake up",
      });
      const sung = await addTrack(tracks, {
        title: "Hallway",
        prompt: "indie rock",
        caption: "Guitars and drums.",
        transcript: "a piano in the hallway plays the intro of the day",
      });
      const percent = await addTrack(tracks, { title: "100% Pure", prompt: "a_b techno" });
      await addTrack(tracks, { title: "Piano Sonata", prompt: "solo piano, no intro at all" });
      await addTrack(tracks, { title: "Quiet", prompt: "ambient pads" });

      const ids = async (search: string) => (await tracks.list({ search })).tracks.map((track) => track.id);
      expect(await ids("piano intro")).toHaveLength(3);
      expect(await ids("PIANO INTRO opens")).toEqual([intro]);
      expect(await ids('"hallway" intro')).toEqual([sung]);
      expect(await ids("wake")).toEqual([intro]);
      expect(await ids("100%")).toEqual([percent]);
      expect(await ids("a_b")).toEqual([percent]);
      expect(await ids("1000%")).toEqual([]);
      expect(await ids("ab")).toEqual([]);
      expect(await ids("violin")).toEqual([]);
      // Letters beyond ASCII fold too: the same answers on SQLite and PostgreSQL.
      const summer = await addTrack(tracks, { title: "ÉTÉ À PARIS", prompt: "Œuvre pour ДОМ" });
      expect(await ids("été")).toEqual([summer]);
      expect(await ids("œuvre дом à")).toEqual([summer]);
      const page = await tracks.list({ search: "piano", limit: 1 });
      expect(page.tracks).toHaveLength(1);
      const next = await tracks.list({ search: "piano", limit: 5, cursor: page.nextCursor as string });
      expect(next.tracks).toHaveLength(2);
    });
  });
}
