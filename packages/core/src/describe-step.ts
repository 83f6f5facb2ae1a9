import { ProducerError } from "@producer/utils";
import type { JobInput } from "./generate-input.js";
import type { PipelineDeps } from "./pipeline.js";
import { modelIdOf } from "./site-tasks/song-describe.js";

/**
 * `describe: true`: each song of the job, once stored and recorded, described by the site (a caption of its sound
 * and the lyrics it sings, one `song.describe` task per song on the account that made it) and kept on its track.
 * A song that cannot be described keeps its track all the same — it is paid for and stored — with the reason in
 * `describeError` and the log. A retry describes only the tracks not described before.
 */
export async function describeTracks(
  job: { jobId: string; input: JobInput; account: string | undefined; signal: AbortSignal },
  deps: PipelineDeps,
): Promise<void> {
  const { jobId, input, signal } = job;
  if (!input.describe) return;
  const tracks = (await deps.tracks.forJob(jobId)).filter((track) => track.caption === null);
  for (const track of tracks) {
    try {
      if (!deps.generator.runTask) throw new Error("this daemon's site driver describes no songs");
      if (!track.clipId) throw new Error("the song has no site clip id to describe it by");
      const account = track.account ?? job.account;
      const answer = await deps.generator.runTask(
        { kind: "song.describe", clipId: track.clipId },
        { signal, ...(account ? { account } : {}) },
      );
      const { caption, lyrics, model } = answer.result as { caption?: unknown; lyrics?: unknown; model?: unknown };
      await deps.tracks.describe(track.id, {
        caption: typeof caption === "string" ? caption : null,
        transcript: typeof lyrics === "string" ? lyrics : null,
        describeError: null,
        ...(typeof model === "string" && model ? { model: modelIdOf(model, deps.config.site.models) } : {}),
      });
    } catch (error) {
      if (signal.aborted) throw error;
      const code = ProducerError.isInstance(error) ? `${error.code}: ` : "";
      const describeError = `${code}${(error as Error).message}`;
      deps.logger.warn(
        { jobId, trackId: track.id, describeError },
        "a song could not be described; it is kept as it is",
      );
      await deps.tracks.describe(track.id, { caption: null, transcript: null, describeError });
    }
  }
}
