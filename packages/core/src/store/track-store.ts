import { randomUUID } from "node:crypto";
import type { Kysely, Selectable } from "kysely";
import { NotFoundError } from "@producer/utils";
import type { Track } from "../job.js";
import type { TrackQuery } from "../producer-backend.js";
import { decodeCursor, pageOf } from "./cursor.js";
import type { Database, TracksTable } from "./database.js";
import { OwnSiteItems } from "./own-site-items.js";
import { matchesSearch } from "./track-search.js";

type TrackRow = Selectable<TracksTable>;

export interface TrackPage {
  tracks: Track[];
  /** Pass back as `cursor` for the next page; null at the end. */
  nextCursor: string | null;
}

function toTrack(row: TrackRow): Track {
  return {
    id: row.id,
    jobId: row.job_id,
    songIndex: Number(row.song_index),
    projectId: row.project_id,
    userId: row.user_id,
    title: row.title,
    prompt: row.prompt,
    format: row.format,
    codec: row.codec,
    container: row.container,
    durationSecs: Number(row.duration_secs),
    sampleRate: Number(row.sample_rate),
    channels: Number(row.channels),
    bitrate: Number(row.bitrate),
    sizeBytes: Number(row.size_bytes),
    sha256: row.sha256,
    storage: {
      kind: row.storage_kind as "s3" | "local",
      bucket: row.storage_bucket,
      key: row.storage_key,
      url: row.storage_url,
    },
    clipId: row.clip_id,
    stem: row.stem,
    parentClipId: row.parent_clip_id,
    model: row.model,
    seed: row.seed === null ? null : Number(row.seed),
    bpm: row.bpm === null ? null : Number(row.bpm),
    creditsCharged: row.credits_charged === null ? null : Number(row.credits_charged),
    siteDurationSecs: row.site_duration_secs === null ? null : Number(row.site_duration_secs),
    account: row.account ?? null,
    operation: row.operation ?? null,
    sourceTrackId: row.source_track_id ?? null,
    sourceClipId: row.source_clip_id ?? null,
    lyrics: row.lyrics ?? null,
    lyricsId: row.lyrics_id ?? null,
    imageKey: row.image_key ?? null,
    imageUrl: row.image_url ?? null,
    imageError: row.image_error ?? null,
    caption: row.caption ?? null,
    transcript: row.transcript ?? null,
    describeError: row.describe_error ?? null,
    createdAt: new Date(Number(row.created_at)).toISOString(),
  };
}

/** A track to record: the site's facts of the song are optional. */
export type TrackRecord = Omit<Track, "id" | "createdAt" | SiteFact> & Partial<Pick<Track, SiteFact>>;
type SiteFact =
  | "stem"
  | "parentClipId"
  | "model"
  | "seed"
  | "bpm"
  | "creditsCharged"
  | "siteDurationSecs"
  | "lyrics"
  | "lyricsId"
  | "account"
  | "operation"
  | "sourceTrackId"
  | "sourceClipId"
  | "imageKey"
  | "imageUrl"
  | "imageError"
  | "caption"
  | "transcript"
  | "describeError";

/** One row per stored song, keyed by (job, song index): recording a song twice updates it, never doubles it. */
export class TrackStore {
  /** What else producer made on the site (conversations) and deleted there: `library cleanup`'s own ground. */
  readonly own: OwnSiteItems;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {
    this.own = new OwnSiteItems(db, now);
  }

  async record(track: TrackRecord): Promise<void> {
    const values = {
      job_id: track.jobId,
      song_index: track.songIndex,
      project_id: track.projectId,
      user_id: track.userId,
      title: track.title,
      prompt: track.prompt,
      format: track.format,
      codec: track.codec,
      container: track.container,
      duration_secs: track.durationSecs,
      sample_rate: track.sampleRate,
      channels: track.channels,
      bitrate: track.bitrate,
      size_bytes: track.sizeBytes,
      sha256: track.sha256,
      storage_kind: track.storage.kind,
      storage_bucket: track.storage.bucket,
      storage_key: track.storage.key,
      storage_url: track.storage.url,
      clip_id: track.clipId,
      stem: track.stem ?? null,
      parent_clip_id: track.parentClipId ?? null,
      model: track.model ?? null,
      seed: track.seed ?? null,
      bpm: track.bpm ?? null,
      credits_charged: track.creditsCharged ?? null,
      site_duration_secs: track.siteDurationSecs ?? null,
      account: track.account ?? null,
      operation: track.operation ?? null,
      source_track_id: track.sourceTrackId ?? null,
      source_clip_id: track.sourceClipId ?? null,
      lyrics: track.lyrics ?? null,
      lyrics_id: track.lyricsId ?? null,
      image_key: track.imageKey ?? null,
      image_url: track.imageUrl ?? null,
      image_error: track.imageError ?? null,
    };
    await this.db
      .insertInto("tracks")
      .values({ ...values, id: randomUUID(), created_at: this.now() })
      .onConflict((conflict) => conflict.columns(["job_id", "song_index"]).doUpdateSet(values))
      .execute();
  }

  async forJob(jobId: string): Promise<Track[]> {
    const rows = await this.db
      .selectFrom("tracks")
      .selectAll()
      .where("job_id", "=", jobId)
      .orderBy("song_index")
      .execute();
    return rows.map(toTrack);
  }

  async get(id: string): Promise<Track> {
    const row = await this.db.selectFrom("tracks").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError(`No track ${id}.`, { details: { trackId: id } });
    return toTrack(row);
  }

  /** The tracks holding the songs of these site clips (a clip's own file, not what was made from it), oldest first. */
  async ofClips(clipIds: readonly string[]): Promise<Track[]> {
    if (clipIds.length === 0) return [];
    const rows = await this.db
      .selectFrom("tracks")
      .selectAll()
      .where("clip_id", "in", [...clipIds])
      .orderBy("seq")
      .execute();
    return rows.map(toTrack);
  }

  /**
   * Keeps what the site heard in a song (`describe`) on its track: caption and transcript, or why there are none;
   * and the model the site says made it, only where the track names none (what the generation asked stays).
   */
  async describe(
    id: string,
    description: { caption: string | null; transcript: string | null; describeError: string | null; model?: string },
  ): Promise<void> {
    const { model } = description;
    await this.db
      .updateTable("tracks")
      .set((eb) => ({
        caption: description.caption,
        transcript: description.transcript,
        describe_error: description.describeError,
        ...(model ? { model: eb.fn.coalesce("model", eb.val(model)) } : {}),
      }))
      .where("id", "=", id)
      .execute();
  }

  /** Newest first, filtered by project, user, job, account or the words of a search, a page at a time. */
  async list(options: TrackQuery): Promise<TrackPage> {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
    let query = this.db.selectFrom("tracks").selectAll();
    if (options.projectId) query = query.where("project_id", "=", options.projectId);
    if (options.userId) query = query.where("user_id", "=", options.userId);
    if (options.jobId) query = query.where("job_id", "=", options.jobId);
    if (options.account) query = query.where("account", "=", options.account);
    const found = options.search ? matchesSearch(options.search) : undefined;
    if (found) query = query.where(found);
    if (options.cursor) query = query.where("seq", "<", Number(decodeCursor("t", options.cursor, /^\d+$/)[0]));
    const rows = await query
      .orderBy("seq", "desc")
      .limit(limit + 1)
      .execute();
    const { page, nextCursor } = pageOf(rows, limit, "t", (last) => [Number(last.seq)]);
    return { tracks: page.map(toTrack), nextCursor };
  }
}
