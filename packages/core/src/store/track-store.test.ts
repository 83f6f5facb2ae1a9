import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type ProducerDatabase } from "./database.js";
import { JobStore } from "./job-store.js";
import { migrateToLatest } from "./migrations.js";
import { TrackStore } from "./track-store.js";

let handle: ProducerDatabase;
let tracks: TrackStore;
let jobs: JobStore;
beforeEach(async () => {
  handle = openDatabase({ database: { url: "sqlite::memory:", dialect: "sqlite" } });
  await migrateToLatest(handle.db, handle.dialect);
  tracks = new TrackStore(handle.db);
  jobs = new JobStore(handle.db, handle.dialect);
});
afterEach(() => handle.close());

async function addJobWithTracks(projectId: string, userId: string, count: number): Promise<string> {
  const { row } = await jobs.insert({
    input: { prompt: "p", instrumental: false, format: "wav", priority: 0, projectId, userId },
    maxAttempts: 3,
    maxQueued: 1000,
    retryAfterMs: async () => 0,
  });
  for (let songIndex = 0; songIndex < count; songIndex += 1) {
    await tracks.record({
      jobId: row.id,
      songIndex,
      projectId,
      userId,
      title: `song ${songIndex}`,
      prompt: "p",
      format: "wav",
      codec: "PCM",
      container: "WAVE",
      durationSecs: 2.5,
      sampleRate: 44_100,
      channels: 2,
      bitrate: 1_411_200,
      sizeBytes: 1000 + songIndex,
      sha256: randomUUID().replaceAll("-", "").padEnd(64, "0"),
      storage: { kind: "s3", bucket: "b", key: `k/${row.id}/${songIndex}`, url: `http://s3/k/${row.id}/${songIndex}` },
      clipId: null,
    });
  }
  return row.id;
}

describe("TrackStore", () => {
  it("pages through a project's tracks, newest first, without gaps or repeats", async () => {
    for (let index = 0; index < 7; index += 1) await addJobWithTracks("p1", `u${index % 2}`, 2);
    await addJobWithTracks("p2", "u0", 2);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await tracks.list({ projectId: "p1", limit: 4, ...(cursor ? { cursor } : {}) });
      seen.push(...page.tracks.map((track) => track.id));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen).toHaveLength(14);
    expect(new Set(seen).size).toBe(14);
    const byUser = await tracks.list({ userId: "u1", limit: 100 });
    expect(byUser.tracks).toHaveLength(6);
    expect(byUser.nextCursor).toBeNull();
    await expect(tracks.list({ cursor: "not-a-cursor" })).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("records a song twice as one row (keyed by job and song index)", async () => {
    const jobId = await addJobWithTracks("p", "u", 1);
    const [first] = await tracks.forJob(jobId);
    const { id: _id, createdAt: _createdAt, ...recorded } = first!;
    await tracks.record({ ...recorded, title: "renamed" });
    const again = await tracks.forJob(jobId);
    expect(again).toHaveLength(1);
    expect(again[0]?.title).toBe("renamed");
    expect(again[0]?.id).toBe(first?.id);
  });
});
