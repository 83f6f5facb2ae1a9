import { ProducerError } from "@producer/utils";
import type { JobInput } from "./generate-input.js";
import type { PipelineDeps } from "./pipeline.js";

/** Operations that make no new song on the site: what they store is a song that already was there. */
const NOTHING_NEW = new Set(["import", "convert"]);

/**
 * `site.songPrivacy`: once a job's songs are stored and recorded, each clip it made is set to it on the site (one
 * `library.privacy` task, one change per clip, on the account that made them). Unset leaves the site's default.
 * A failure only warns: the songs are paid for and stored, and who may see them can be changed later.
 */
export async function applySongPrivacy(
  songs: ReadonlyArray<{ clipId?: string }>,
  job: { jobId: string; input: JobInput; account: string | undefined; signal: AbortSignal },
  deps: PipelineDeps,
): Promise<void> {
  const privacy = deps.config.site.songPrivacy;
  const clipIds = [...new Set(songs.map((song) => song.clipId).filter((id): id is string => Boolean(id)))];
  if (!privacy || clipIds.length === 0 || NOTHING_NEW.has(job.input.operation?.kind ?? "")) return;
  try {
    if (!deps.generator.runTask) throw new Error("this daemon's site driver changes no song's privacy");
    await deps.generator.runTask(
      { kind: "library.privacy", clipIds, privacy },
      { signal: job.signal, ...(job.account ? { account: job.account } : {}) },
    );
  } catch (error) {
    if (job.signal.aborted) throw error;
    const reason = `${ProducerError.isInstance(error) ? `${error.code}: ` : ""}${(error as Error).message}`;
    deps.logger.warn({ jobId: job.jobId, clipIds, privacy, reason }, "the new songs' privacy was not set");
  }
}
