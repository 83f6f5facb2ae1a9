import { Migrator, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type ProducerDatabase } from "./database.js";
import { DIALECTS, freshDatabase } from "./dialects.test-helper.js";
import { deleteEndedJobs } from "./job-retention-store.js";
import { JobStore } from "./job-store.js";
import { migrateToLatest, migrations } from "./migrations.js";
import { TrackStore } from "./track-store.js";
import { WebhookOutboxStore } from "./webhook-outbox-store.js";

const DAY_MS = 86_400_000;
const input = { prompt: "p", instrumental: false, format: "wav" as const, priority: 0 };

async function recordTrack(tracks: TrackStore, jobId: string): Promise<string> {
  await tracks.record({
    jobId,
    songIndex: 0,
    projectId: "project",
    userId: "user",
    title: "kept",
    prompt: "p",
    format: "wav",
    codec: "PCM",
    container: "WAVE",
    durationSecs: 2.5,
    sampleRate: 44_100,
    channels: 2,
    bitrate: 1_411_200,
    sizeBytes: 1000,
    sha256: "0".repeat(64),
    storage: { kind: "local", bucket: null, key: `k/${jobId}`, url: `file:///k/${jobId}` },
    clipId: null,
  });
  const [track] = await tracks.forJob(jobId);
  return track!.id;
}

for (const { dialect, skip } of DIALECTS) {
  describe.skipIf(skip)(`retention of ended jobs on ${dialect}`, () => {
    let handle: ProducerDatabase | undefined;
    afterEach(async () => {
      await handle?.close();
      handle = undefined;
    });

    it("deletes ended jobs past the cutoff and their ended deliveries; keeps tracks, live jobs and untold ends", async () => {
      handle = await freshDatabase(dialect, "retention");
      let clock = Date.now() - 40 * DAY_MS;
      const jobs = new JobStore(handle.db, handle.dialect, () => clock);
      const tracks = new TrackStore(handle.db);
      const outbox = new WebhookOutboxStore(handle.db, handle.dialect, () => clock);
      const job = async (status: "succeeded" | "failed" | "cancelled" | "queued", webhookUrl?: string) => {
        const { row } = await jobs.insert({
          input,
          ...(webhookUrl ? { webhookUrl } : {}),
          maxAttempts: 3,
          maxQueued: 100,
          retryAfterMs: async () => 0,
        });
        if (status === "queued") return row.id;
        await jobs.claim("worker", 10_000, { id: row.id });
        await jobs.finish(row.id, "worker", status);
        // Set here: on PostgreSQL the store stamps ends with the database's clock.
        await handle!.db.updateTable("jobs").set({ finished_at: clock }).where("id", "=", row.id).execute();
        return row.id;
      };
      const old = await job("succeeded");
      const trackId = await recordTrack(tracks, old);
      await job("failed");
      const oldQueued = await job("queued");
      const told = await job("cancelled", "http://127.0.0.1:1/told");
      const untold = await job("succeeded", "http://127.0.0.1:1/untold");
      await outbox.sweep();
      let claimed = await outbox.claim("w", 1000);
      while (claimed && claimed.job_id !== told) claimed = await outbox.claim("w", 1000);
      await outbox.end(claimed!, "w", "delivered");
      clock = Date.now() - 10 * DAY_MS;
      const recent = await job("succeeded");
      clock = Date.now();

      expect(await deleteEndedJobs(handle.db, clock - 30 * DAY_MS, { batchSize: 1 })).toBe(3);
      const left = (await handle.db.selectFrom("jobs").select("id").execute()).map((row) => row.id).sort();
      expect(left).toEqual([oldQueued, untold, recent].sort());
      expect(await outbox.forJob(told)).toEqual([]);
      expect(await outbox.forJob(untold)).toHaveLength(1);
      // The track outlives its job row: read by id, by job and in a listing.
      expect(await tracks.get(trackId)).toMatchObject({ id: trackId, jobId: old, title: "kept" });
      expect((await tracks.forJob(old)).map((track) => track.id)).toEqual([trackId]);
      expect((await tracks.list({ projectId: "project" })).tracks.map((track) => track.id)).toEqual([trackId]);
      expect(await deleteEndedJobs(handle.db, clock - 30 * DAY_MS)).toBe(0);
    });
  });
}

describe("migration 0005 on SQLite", () => {
  it("rebuilds tracks without the reference to jobs, keeping its rows, columns and indexes", async () => {
    const handle = openDatabase({ database: { url: "sqlite::memory:", dialect: "sqlite" } });
    try {
      const all = migrations("sqlite");
      const upTo0004 = Object.fromEntries(Object.entries(all).filter(([name]) => name < "0005"));
      const migrator = new Migrator({
        db: handle.db,
        provider: { getMigrations: async () => upTo0004 },
        migrationTableName: "producer_migrations",
        migrationLockTableName: "producer_migrations_lock",
      });
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      const jobs = new JobStore(handle.db, handle.dialect);
      const { row } = await jobs.insert({ input, maxAttempts: 3, maxQueued: 10, retryAfterMs: async () => 0 });
      const tracks = new TrackStore(handle.db);
      // A track row as the schema of 0004 holds it (today's store writes columns added since).
      const trackId = "track-before-0005";
      await sql`
        insert into tracks (id, job_id, song_index, project_id, user_id, title, prompt, format, codec, container,
          duration_secs, sample_rate, channels, bitrate, size_bytes, sha256, storage_kind, storage_bucket,
          storage_key, storage_url, clip_id, created_at)
        values (${trackId}, ${row.id}, 0, 'project', 'user', 'kept', 'p', 'wav', 'PCM', 'WAVE', 2.5, 44100, 2,
          1411200, 1000, ${"0".repeat(64)}, 'local', null, ${`k/${row.id}`}, ${`file:///k/${row.id}`}, null,
          ${Date.now()})`.execute(handle.db);
      await expect(handle.db.deleteFrom("jobs").where("id", "=", row.id).execute()).rejects.toThrow(/FOREIGN KEY/);

      await migrateToLatest(handle.db, handle.dialect);
      const { rows } = await sql<{ name: string }>`
        select name from sqlite_master where tbl_name = 'tracks' and type = 'index' order by name`.execute(handle.db);
      expect(rows.map((index) => index.name)).toEqual(
        expect.arrayContaining(["tracks_account", "tracks_project", "tracks_user"]),
      );
      await handle.db.deleteFrom("jobs").where("id", "=", row.id).execute();
      expect(await tracks.get(trackId)).toMatchObject({ jobId: row.id, sha256: "0".repeat(64) });
      // The (job, song index) key stays: recording the song again updates the row.
      await recordTrack(tracks, row.id);
      expect(await tracks.forJob(row.id)).toHaveLength(1);
    } finally {
      await handle.close();
    }
  });
});
