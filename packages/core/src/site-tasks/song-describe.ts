import { InvalidInputError, NotFoundError } from "@producer/utils";
import { z } from "zod";
import { LIMITS, optional, text } from "../generate-input.js";
import { idSchema, trackIdSchema } from "../query-schemas.js";
import type { SiteTaskResult } from "./run-site-task.js";
import type { SiteTaskSpec, TaskDeps } from "./site-task-spec.js";

/** What `describeSong` takes: a stored track or a site clip, and what the caption should tell. */
export type DescribeSongInput = ({ trackId: string; clipId?: never } | { clipId: string; trackId?: never }) & {
  prompt?: string;
  /** Run on this account (of several); a track runs on the account that made it. */
  account?: string;
};

/**
 * What `song.describe` answers: the site's caption of the song, the lyrics it heard sung, the model it says made
 * the song, and the tracks that keep them.
 */
export type DescribeSongResult = {
  clipId: string;
  caption: string;
  lyrics: string;
  /** The model as the site shows it (`Lyria 3.5`); null where the site did not say. */
  model: string | null;
  /**
   * The stored tracks of this song, each now carrying the caption and the lyrics as `transcript`, and the model
   * where it had none (by the profile's id when the profile knows the name).
   */
  trackIds: string[];
};

/** The settings of `song.describe`, before the one-of check (the MCP tool's input too). */
export const describeSongFields = z.strictObject({
  trackId: trackIdSchema
    .optional()
    .describe("A stored track to describe (by its site clip); the answer is kept on it."),
  clipId: idSchema.optional().describe("A song of the account's library on the site, by its clip id."),
  prompt: optional(text(LIMITS.promptChars)).describe(
    "What the caption should tell; its style, instruments, vocals and mood when absent.",
  ),
});

/** A model the site names by its public name, as tracks keep it: the profile's id for that name, else the name. */
export const modelIdOf = (name: string, models: ReadonlyArray<{ id: string; label: string }>): string =>
  models.find((known) => known.label === name)?.id ?? name;

const oneSong = (settings: { trackId?: string | undefined; clipId?: string | undefined }) =>
  (settings.trackId === undefined) !== (settings.clipId === undefined);

/** The stored track a describe names, with its site clip; INVALID_INPUT (nothing sent) when it has none. */
async function trackToDescribe(trackId: string, deps: Omit<TaskDeps, "downloadDir"> & { account?: string }) {
  const track = await deps.tracks.get(trackId).catch((error: unknown) => {
    if (!NotFoundError.isInstance(error)) throw error;
    throw new InvalidInputError(`There is no track ${trackId}.`, [
      { path: "trackId", message: "is not a stored track" },
    ]);
  });
  if (!track.clipId)
    throw new InvalidInputError(`Track ${trackId} has no site clip id, so the site cannot find its song.`, [
      { path: "trackId", message: "has no site clip id" },
    ]);
  if (deps.account && track.account && deps.account !== track.account)
    throw new InvalidInputError(`Track ${trackId} was made on account ${track.account}, whose library holds it.`, [
      { path: "account", message: `must be ${track.account}, the account that made the track` },
    ]);
  return { clipId: track.clipId, account: track.account ?? deps.account };
}

const describeSong: SiteTaskSpec = {
  schema: describeSongFields.refine(oneSong, { message: "give a trackId or a clipId, not both", path: ["trackId"] }),
  /** A track is described by its clip, on the account that made it; a clip on the asked account, else the one that stored it. */
  async prepare(settings, deps) {
    if (typeof settings.trackId === "string") {
      const { clipId, account } = await trackToDescribe(settings.trackId, deps);
      return { settings: { ...settings, clipId }, account };
    }
    const holder = deps.account
      ? undefined
      : (await deps.tracks.ofClips([String(settings.clipId)])).findLast((track) => track.account !== null);
    return { settings, account: deps.account ?? holder?.account ?? undefined };
  },
  /** The caption and lyrics kept on every stored track of the song, and its model on those that name none. */
  async finish(result, settings, deps) {
    const clipId = String(settings.clipId);
    const caption = typeof result.caption === "string" ? result.caption : "";
    const lyrics = typeof result.lyrics === "string" ? result.lyrics : "";
    const model = typeof result.model === "string" && result.model ? result.model : null;
    const tracks = await deps.tracks.ofClips([clipId]);
    const trackModel = model ? modelIdOf(model, deps.config.site.models) : undefined;
    for (const track of tracks)
      await deps.tracks.describe(track.id, { caption, transcript: lyrics, describeError: null, model: trackModel });
    return { clipId, caption, lyrics, model, trackIds: tracks.map((track) => track.id) } satisfies DescribeSongResult;
  },
};

/** A describe's answer, its result typed. */
export type DescribeSongAnswer = Omit<SiteTaskResult, "result"> & { result: DescribeSongResult };

/** The describing tasks: `song.describe { trackId | clipId, prompt? }`. */
export const DESCRIBE_TASK_SPECS = { "song.describe": describeSong } as const;
