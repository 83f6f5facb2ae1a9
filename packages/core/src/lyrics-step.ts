import { DisabledError, lyricsIdOf, SiteChangedError } from "@producer/utils";
import type { JobInput } from "./generate-input.js";
import type { PipelineContext, PipelineDeps } from "./pipeline.js";

/**
 * A generation's lyrics written first (`lyricsPrompt`): one `lyrics.write` task on the site, the lyrics (and the
 * site's title, when the job has none) kept on the job's input before the song is asked for. A job whose input
 * already holds lyrics — given, or written by an earlier attempt — asks nothing: a retry never writes them twice.
 */
export async function writeJobLyrics(context: PipelineContext, deps: PipelineDeps): Promise<void> {
  const { jobId, input, signal } = context;
  if (!input.lyricsPrompt || input.lyrics !== undefined || input.operation) return;
  if (!deps.generator.runTask) {
    throw new DisabledError(
      "This daemon's site driver writes no lyrics; give the job lyrics instead of lyricsPrompt.",
      {
        details: { step: "lyrics" },
      },
    );
  }
  const answer = await deps.generator.runTask(
    { kind: "lyrics.write", prompt: input.lyricsPrompt },
    { signal, ...(input.account ? { account: input.account } : {}) },
  );
  const lyrics = typeof answer.result.lyrics === "string" ? answer.result.lyrics.trim() : "";
  if (!lyrics) {
    throw new SiteChangedError("The site wrote no lyrics for the job's lyricsPrompt; nothing was generated.", {
      details: { step: "lyrics", answerKeys: Object.keys(answer.result) },
    });
  }
  const title = typeof answer.result.title === "string" ? answer.result.title.trim() : "";
  const written: JobInput = { ...input, lyrics, ...(!input.title && title ? { title } : {}) };
  await context.saveInput?.(written);
  Object.assign(input, written);
  deps.logger.info({ jobId, lyricsId: lyricsIdOf(lyrics), account: answer.account }, "lyrics written; kept on the job");
}

/** What a track keeps of its song's lyrics: the text and its id, or nothing for an instrumental. */
export function trackLyrics(input: JobInput): { lyrics: string | null; lyricsId: string | null } {
  if (input.instrumental || !input.lyrics) return { lyrics: null, lyricsId: null };
  return { lyrics: input.lyrics, lyricsId: lyricsIdOf(input.lyrics) || null };
}
