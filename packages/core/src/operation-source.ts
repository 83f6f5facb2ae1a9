import { InvalidInputError, NotFoundError } from "@producer/utils";
import type { JobInput, OperationSource } from "./generate-input.js";
import { assertInsideSong, operationPrompt, type ParsedOperation } from "./operation-input.js";
import type { TrackStore } from "./store/track-store.js";

/**
 * An operation's job, its source resolved. A track of ours names its clip and the account that made it (the clip
 * is in that account's library, so the job is bound there); a clip id runs on the named account, else on the
 * account a stored track of that clip was made or imported on, else the daemon's first. Positions past the end
 * of a track's song are refused here, where its length is known.
 */
export async function resolveOperationJob(
  parsed: ParsedOperation,
  deps: { tracks: TrackStore; defaultAccount: string | undefined },
): Promise<JobInput> {
  const { operation, job } = parsed;
  let source: OperationSource;
  let account = job.account ?? deps.defaultAccount;
  if ("trackId" in parsed.source) {
    const { trackId } = parsed.source;
    const track = await deps.tracks.get(trackId).catch((error: unknown) => {
      if (NotFoundError.isInstance(error))
        throw new InvalidInputError(`There is no track ${trackId}.`, [
          { path: "source.trackId", message: "is not a stored track" },
        ]);
      throw error;
    });
    if (!track.clipId) {
      throw new InvalidInputError(
        `Track ${trackId} has no site clip id, so the site cannot find its song; pass the song's clipId instead.`,
        [{ path: "source.trackId", message: "has no site clip id" }],
      );
    }
    if (job.account && track.account && job.account !== track.account) {
      throw new InvalidInputError(
        `Track ${trackId} was made on account ${track.account}, whose library holds it; leave account out or name ${track.account}.`,
        [{ path: "account", message: `must be ${track.account}, the account that made the track` }],
      );
    }
    account = track.account ?? account;
    assertInsideSong(operation, Math.max(track.durationSecs, track.siteDurationSecs ?? 0));
    source = { clipId: track.clipId, trackId, title: track.title };
  } else {
    const { clipId } = parsed.source;
    source = { clipId };
    if (!job.account) {
      const known = (await deps.tracks.ofClips([clipId])).findLast((track) => track.account !== null);
      account = known?.account ?? account;
    }
  }
  return {
    ...job,
    prompt: operationPrompt(operation, source),
    operation,
    source,
    ...(account ? { account } : {}),
  };
}

/**
 * A generation seeded with a reference clip runs on the account whose library holds the clip: the named one, else
 * the account a stored track of that clip was made or imported on, else the daemon's first.
 */
export async function withReferenceAccount<T extends { job: JobInput }>(
  parsed: T,
  deps: { tracks: TrackStore; defaultAccount: string | undefined },
): Promise<T> {
  const { job } = parsed;
  if (!job.referenceClipId || job.account) return parsed;
  const known = (await deps.tracks.ofClips([job.referenceClipId])).findLast((track) => track.account !== null);
  const account = known?.account ?? deps.defaultAccount;
  return account ? { ...parsed, job: { ...job, account } } : parsed;
}
