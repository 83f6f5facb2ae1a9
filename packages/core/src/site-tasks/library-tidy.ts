import { z } from "zod";
import { LIMITS, text } from "../generate-input.js";
import type { SiteTaskSpec } from "./site-task-spec.js";

/** Who may see a song on the site. */
export const SONG_PRIVACY = ["public", "unlisted", "private"] as const;
export type SongPrivacy = (typeof SONG_PRIVACY)[number];

/** At most this many songs or conversations in one task. */
export const TIDY_MAX_IDS = 100;

const clipId = text(LIMITS.idChars, { required: true }).describe("A song's site clip id.");
const ids = (what: string) =>
  z
    .array(text(LIMITS.idChars, { required: true }), { error: `must be a list of ${what} ids` })
    .min(1, `must name at least one ${what}`)
    .max(TIDY_MAX_IDS, `at most ${TIDY_MAX_IDS} at once`)
    .transform((list) => [...new Set(list)]);

export interface RenameSongInput {
  clipId: string;
  title: string;
  account?: string;
}
export interface SongPrivacyInput {
  clipIds: string[];
  privacy: SongPrivacy;
  account?: string;
}
export interface DeleteSongsInput {
  clipIds: string[];
  account?: string;
}
export interface ListConversationsInput {
  limit?: number;
  offset?: number;
  account?: string;
}
export interface DeleteConversationsInput {
  conversationIds: string[];
  account?: string;
}

const rename: SiteTaskSpec = {
  schema: z.strictObject({
    clipId,
    title: text(LIMITS.titleChars, { required: true }).describe("The song's new title."),
  }),
};

const privacy: SiteTaskSpec = {
  schema: z.strictObject({
    clipIds: ids("song").describe("The songs' site clip ids."),
    privacy: z
      .enum(SONG_PRIVACY, { error: `must be one of ${SONG_PRIVACY.join(", ")}` })
      .describe("Who may see them: public, unlisted (the site's default for new songs) or private."),
  }),
};

const remove: SiteTaskSpec = {
  schema: z.strictObject({ clipIds: ids("song").describe("The songs' site clip ids; deleting is final.") }),
  /** The songs deleted are kept as deleted, so a cleanup never lists them again (their tracks stay). */
  async finish(result, settings, deps) {
    const deleted = Array.isArray(result.deleted) ? result.deleted.map(String) : (settings.clipIds as string[]);
    await deps.tracks.own.songsDeleted(deleted, null);
    return result;
  },
};

const listConversations: SiteTaskSpec = {
  schema: z.strictObject({
    limit: z.number().int().min(1).max(100).default(20).describe("How many conversations (1–100)."),
    offset: z.number().int().min(0).default(0).describe("How many to skip, newest first."),
  }),
};

const deleteConversations: SiteTaskSpec = {
  schema: z.strictObject({
    conversationIds: ids("conversation").describe("The conversations' ids; deleting is final."),
  }),
  async finish(result, settings, deps) {
    const gone = [
      ...(Array.isArray(result.deleted) ? result.deleted : []),
      ...(Array.isArray(result.notFound) ? result.notFound : []),
    ].map(String);
    await deps.tracks.own.conversationsDeleted(gone.length > 0 ? gone : (settings.conversationIds as string[]));
    return result;
  },
};

/** Renaming, privacy and deleting songs, and the account's conversations. */
export const LIBRARY_TIDY_SPECS = {
  "library.rename": rename,
  "library.privacy": privacy,
  "library.delete": remove,
  "conversations.list": listConversations,
  "conversations.delete": deleteConversations,
} as const;
