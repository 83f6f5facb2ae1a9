import { InvalidInputError, type LibrarySong, type MusicGenerator, UnavailableError } from "@producer/utils";
import type { JobInput } from "./generate-input.js";
import type { GenerateMusicResult, Job } from "./job.js";
import type { TrackStore } from "./store/track-store.js";

/** One song of an account's library, with the track that stores it here when one does. */
export interface LibraryEntry extends LibrarySong {
  /** The track holding this song's own file (the newest, in any format); null when none was stored. */
  trackId: string | null;
}

/** A page of an account's library, as `GET /v1/library` answers it. */
export interface LibraryListing {
  account: string | null;
  limit: number;
  offset: number;
  songs: LibraryEntry[];
}

/** What `library` takes: a page of at most 100 songs, newest first, of one account. */
export interface LibraryInput {
  limit?: number;
  offset?: number;
  account?: string;
}

/** The largest page the site's listing is asked for. */
export const LIBRARY_MAX_LIMIT = 100;

function pageOf(input: LibraryInput): { limit: number; offset: number } {
  const limit = input.limit ?? 20;
  const offset = input.offset ?? 0;
  const fields = [
    ...(Number.isInteger(limit) && limit >= 1 && limit <= LIBRARY_MAX_LIMIT
      ? []
      : [{ path: "limit", message: `must be a whole number from 1 to ${LIBRARY_MAX_LIMIT}` }]),
    ...(Number.isInteger(offset) && offset >= 0 && offset <= 100_000
      ? []
      : [{ path: "offset", message: "must be a whole number from 0 to 100000" }]),
  ];
  if (fields.length > 0) {
    throw new InvalidInputError(
      `Invalid library request: ${fields.map((f) => `${f.path} ${f.message}`).join("; ")}.`,
      fields,
    );
  }
  return { limit, offset };
}

/**
 * One page of an account's library from the site's own listing (spends nothing), each song marked with the track
 * that already stores it, so a caller sees what `import` would add.
 */
export async function listLibrary(
  input: LibraryInput,
  deps: { generator: MusicGenerator | undefined; tracks: TrackStore; accounts: readonly string[] },
): Promise<LibraryListing> {
  const { limit, offset } = pageOf(input);
  if (input.account !== undefined && !deps.accounts.includes(input.account)) {
    throw new InvalidInputError(`There is no account "${input.account}" (known: ${deps.accounts.join(", ")}).`, [
      { path: "account", message: "is not a configured account" },
    ]);
  }
  if (!deps.generator?.library) {
    throw new UnavailableError("This process drives no site that can list a library.", {
      details: { step: "library" },
    });
  }
  const page = await deps.generator.library({ limit, offset, ...(input.account ? { account: input.account } : {}) });
  const stored = await deps.tracks.ofClips(page.songs.map((song) => song.clipId));
  const mine = stored.filter(
    (track) => page.account === null || track.account === null || track.account === page.account,
  );
  const songs = page.songs.map((song) => ({
    ...song,
    trackId: mine.findLast((track) => track.clipId === song.clipId)?.id ?? null,
  }));
  return { account: page.account, limit, offset, songs };
}

/**
 * An import of a clip that a track here already holds, in the asked format and on the same account: the job that
 * stored it, instead of a new one (an import twice stores the song once).
 */
export async function storedImport(
  job: JobInput,
  deps: { tracks: TrackStore; getJob: (id: string) => Promise<Job>; direct: boolean },
): Promise<GenerateMusicResult | undefined> {
  const clipId = job.source?.clipId;
  if (job.operation?.kind !== "import" || !clipId) return undefined;
  const track = (await deps.tracks.ofClips([clipId])).findLast(
    (candidate) =>
      candidate.format === job.format &&
      candidate.stem === null &&
      (job.account === undefined || candidate.account === null || candidate.account === job.account),
  );
  if (!track) return undefined;
  const earlier = await deps.getJob(track.jobId);
  if (earlier.status !== "succeeded") return undefined;
  return deps.direct
    ? { jobId: earlier.id, status: earlier.status, job: earlier, tracks: earlier.tracks, completed: true }
    : { jobId: earlier.id, status: "queued", position: 0, etaMs: 0, reused: true };
}
