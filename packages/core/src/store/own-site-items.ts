import type { Kysely } from "kysely";
import type { SubmissionRecord } from "@producer/utils";
import type { Database } from "./database.js";

/** Operations whose track stores a song that producer did not make on the site. */
const NOTHING_MADE = ["import", "convert"] as const;

/** A song producer made and stored: its clip on the site, the title and age of its first track. */
export interface OwnSong {
  clipId: string;
  title: string;
  createdAt: number;
  trackId: string;
  account: string | null;
}

/** A conversation producer's tool calls opened on the site. */
export interface OwnConversation {
  id: string;
  account: string | null;
  jobId: string | null;
  createdAt: number;
}

/** Which rows belong to an account: its own, and (for the first account) those made before accounts were named. */
export interface AccountScope {
  account: string;
  withUnbound: boolean;
}

/**
 * What producer made on the site and knows by id — the songs of its tracks and the conversations its tool calls
 * opened — and what it deleted there since: the only things `library cleanup` may ever delete.
 */
export class OwnSiteItems {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Keeps the conversation a submission made (once; a second sight of it changes nothing). */
  async noteSubmission(record: SubmissionRecord, jobId: string | null): Promise<void> {
    const id = record.conversationMade;
    if (!id) return;
    await this.db
      .insertInto("site_conversations")
      .values({ id, account: record.account ?? null, job_id: jobId, created_at: this.now(), deleted_at: null })
      .onConflict((conflict) => conflict.column("id").doNothing())
      .execute();
  }

  /** The songs the account's jobs made and stored, not deleted on the site yet, one per clip, oldest first. */
  async songs(scope: AccountScope): Promise<OwnSong[]> {
    const rows = await this.db
      .selectFrom("tracks")
      .select(["id", "clip_id", "title", "created_at", "account"])
      .where("clip_id", "is not", null)
      // An import stores a song made elsewhere, a convert one that already was there: neither made a song.
      .where((eb) => eb.or([eb("operation", "is", null), eb("operation", "not in", [...NOTHING_MADE])]))
      .where((eb) =>
        scope.withUnbound
          ? eb.or([eb("account", "=", scope.account), eb("account", "is", null)])
          : eb("account", "=", scope.account),
      )
      .where("clip_id", "not in", this.db.selectFrom("site_deleted_clips").select("clip_id"))
      .orderBy("created_at", "asc")
      .orderBy("seq", "asc")
      .execute();
    const songs = new Map<string, OwnSong>();
    for (const row of rows) {
      const clipId = row.clip_id as string;
      if (!songs.has(clipId))
        songs.set(clipId, {
          clipId,
          title: row.title,
          createdAt: row.created_at,
          trackId: row.id,
          account: row.account,
        });
    }
    return [...songs.values()];
  }

  /** The account's conversations producer opened and has not deleted, oldest first. */
  async conversations(scope: AccountScope): Promise<OwnConversation[]> {
    const rows = await this.db
      .selectFrom("site_conversations")
      .selectAll()
      .where("deleted_at", "is", null)
      .where((eb) =>
        scope.withUnbound
          ? eb.or([eb("account", "=", scope.account), eb("account", "is", null)])
          : eb("account", "=", scope.account),
      )
      .orderBy("created_at", "asc")
      .execute();
    return rows.map((row) => ({ id: row.id, account: row.account, jobId: row.job_id, createdAt: row.created_at }));
  }

  /**
   * The clips a job that has not succeeded names — songs it submitted (their tracks may not be stored yet) and the
   * source of an operation — with whether a job on the account is still under way.
   */
  async inUse(scope: AccountScope): Promise<{ clipIds: Set<string>; jobsUnderWay: number }> {
    const rows = await this.db
      .selectFrom("jobs")
      .select(["status", "submission", "input", "account"])
      .where("status", "!=", "succeeded")
      .execute();
    const clipIds = new Set<string>();
    let jobsUnderWay = 0;
    for (const row of rows) {
      const submission = parse(row.submission) as { clipIds?: unknown } | undefined;
      const input = parse(row.input) as { source?: { clipId?: unknown } } | undefined;
      for (const id of Array.isArray(submission?.clipIds) ? submission.clipIds : []) clipIds.add(String(id));
      if (typeof input?.source?.clipId === "string") clipIds.add(input.source.clipId);
      const onAccount = row.account === scope.account || (scope.withUnbound && row.account === null);
      if (onAccount && row.status !== "failed" && row.status !== "cancelled") jobsUnderWay += 1;
    }
    return { clipIds, jobsUnderWay };
  }

  async songsDeleted(clipIds: readonly string[], account: string | null): Promise<void> {
    if (clipIds.length === 0) return;
    await this.db
      .insertInto("site_deleted_clips")
      .values(clipIds.map((clipId) => ({ clip_id: clipId, account, deleted_at: this.now() })))
      .onConflict((conflict) => conflict.column("clip_id").doNothing())
      .execute();
  }

  async conversationsDeleted(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable("site_conversations")
      .set({ deleted_at: this.now() })
      .where("id", "in", [...ids])
      .execute();
  }
}

function parse(text: string | null): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
