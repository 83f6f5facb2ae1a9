import type { MusicGenerator } from "@producer/utils";
import { UnavailableError } from "@producer/utils";
import { z } from "zod";
import { LIMITS, optional, text } from "../generate-input.js";
import type { AccountScope, OwnConversation, OwnSong } from "../store/own-site-items.js";
import type { TaskDeps } from "./site-task-spec.js";
import type { SiteTaskSpec } from "./site-task-spec.js";
import { TIDY_MAX_IDS } from "./library-tidy.js";

const DAY_MS = 86_400_000;

/** What `cleanupLibrary` takes. */
export interface CleanupInput {
  /** Only what is older than this many days (by when producer stored the song / made the conversation). */
  olderThanDays?: number;
  /** Only songs whose title starts with this (case aside). */
  prefix?: string;
  /** Also producer's own conversations. */
  conversations?: boolean;
  /** Delete what is listed; without it nothing is deleted (a dry run). */
  apply?: boolean;
  account?: string;
}

/** What `library.cleanup` answers: what it deleted (or would), and the songs it keeps and why. */
export interface CleanupResult {
  account: string | null;
  dryRun: boolean;
  songs: Array<{ clipId: string; title: string; trackId: string; storedAt: string }>;
  conversations: Array<{ id: string; madeAt: string }>;
  kept: Array<{ id: string; title?: string; reason: string }>;
  deleted: { songs: number; conversations: number };
}

type Settings = { olderThanDays?: number; prefix?: string; conversations: boolean; apply: boolean };
type RunDeps = Omit<TaskDeps, "downloadDir"> & { generator: MusicGenerator | undefined; account: string | undefined };

const IN_USE = "a job that has not succeeded names it (its song may not be stored yet, or it is an operation's source)";
const UNDER_WAY = "a job is under way on the account and may be using it";

/**
 * Deletes on the site only what producer made there and knows by id — the songs of its stored tracks (never an
 * import: that song was made elsewhere) and the conversations its tool calls opened — filtered by age and title,
 * and never a song a job that has not succeeded names. A dry run (the default) lists and deletes nothing.
 */
async function cleanup(raw: Record<string, unknown>, deps: RunDeps): Promise<CleanupResult> {
  const settings = raw as Settings;
  const first = deps.config.accounts[0]?.name;
  const account = deps.account ?? first ?? "";
  const scope: AccountScope = { account, withUnbound: !deps.account || account === first };
  const { own } = deps.tracks;
  const cutoff =
    settings.olderThanDays === undefined ? Number.POSITIVE_INFINITY : Date.now() - settings.olderThanDays * DAY_MS;
  const prefix = settings.prefix?.toLocaleLowerCase();
  const inUse = await own.inUse(scope);
  const kept: CleanupResult["kept"] = [];
  const songs: OwnSong[] = [];
  for (const song of await own.songs(scope)) {
    if (song.createdAt > cutoff || (prefix && !song.title.toLocaleLowerCase().startsWith(prefix))) continue;
    if (inUse.clipIds.has(song.clipId)) kept.push({ id: song.clipId, title: song.title, reason: IN_USE });
    else songs.push(song);
  }
  const conversations: OwnConversation[] = [];
  if (settings.conversations) {
    for (const conversation of await own.conversations(scope)) {
      if (conversation.createdAt > cutoff) continue;
      if (inUse.jobsUnderWay > 0) kept.push({ id: conversation.id, reason: UNDER_WAY });
      else conversations.push(conversation);
    }
  }
  const deleted = settings.apply
    ? await apply(songs, conversations, { ...deps, account })
    : { songs: 0, conversations: 0 };
  return {
    account: account || null,
    dryRun: !settings.apply,
    songs: songs.map((song) => ({
      clipId: song.clipId,
      title: song.title,
      trackId: song.trackId,
      storedAt: new Date(song.createdAt).toISOString(),
    })),
    conversations: conversations.map((conversation) => ({
      id: conversation.id,
      madeAt: new Date(conversation.createdAt).toISOString(),
    })),
    kept,
    deleted,
  };
}

/** Deletes the songs (one call per hundred) and the conversations, keeping each as deleted once the site said so. */
async function apply(
  songs: OwnSong[],
  conversations: OwnConversation[],
  deps: RunDeps & { account: string },
): Promise<CleanupResult["deleted"]> {
  const { generator, tracks } = deps;
  if ((songs.length > 0 || conversations.length > 0) && !generator?.runTask) {
    throw new UnavailableError("This process drives no site that can delete songs.", { details: { step: "task" } });
  }
  const options = deps.account ? { account: deps.account } : {};
  let songsDeleted = 0;
  for (let start = 0; start < songs.length; start += TIDY_MAX_IDS) {
    const clipIds = songs.slice(start, start + TIDY_MAX_IDS).map((song) => song.clipId);
    await generator?.runTask?.({ kind: "library.delete", clipIds }, options);
    await tracks.own.songsDeleted(clipIds, deps.account || null);
    songsDeleted += clipIds.length;
    deps.logger.info({ songs: clipIds.length }, "library cleanup deleted songs on the site");
  }
  let conversationsDeleted = 0;
  for (let start = 0; start < conversations.length; start += TIDY_MAX_IDS) {
    const conversationIds = conversations.slice(start, start + TIDY_MAX_IDS).map((conversation) => conversation.id);
    const answer = await generator?.runTask?.({ kind: "conversations.delete", conversationIds }, options);
    const done = Array.isArray(answer?.result.deleted) ? answer.result.deleted.length : 0;
    // A conversation the site no longer has is gone all the same.
    await tracks.own.conversationsDeleted(conversationIds);
    conversationsDeleted += done;
  }
  return { songs: songsDeleted, conversations: conversationsDeleted };
}

const cleanupSpec: SiteTaskSpec = {
  schema: z.strictObject({
    olderThanDays: optional(z.number().min(0, "must be 0 or more")).describe(
      "Only songs stored (and conversations made) more than this many days ago.",
    ),
    prefix: optional(text(LIMITS.titleChars)).describe("Only songs whose title starts with this (case aside)."),
    conversations: z.boolean().default(false).describe("Also delete the conversations producer made."),
    apply: z.boolean().default(false).describe("Delete what is listed; without it nothing is deleted (a dry run)."),
  }),
  run: (settings, deps) => cleanup(settings, deps) as unknown as ReturnType<NonNullable<SiteTaskSpec["run"]>>,
};

/** `library.cleanup`: deletes only what producer made, dry run unless `apply`. */
export const LIBRARY_CLEANUP_SPECS = { "library.cleanup": cleanupSpec } as const;
