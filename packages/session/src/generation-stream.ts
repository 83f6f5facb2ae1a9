import { GenerationFailedError } from "@producer/utils";
import type { FlowContext } from "./flow-context.js";
import type { StreamState } from "./page-traffic.js";
import type { ToolReturn } from "./site-answers.js";

/**
 * The create-song tool-return of a job's message stream, read inside the page as it arrives; undefined by the
 * deadline. An error the stream reports ends the wait with the site's reason.
 */
export async function songsFromStream(
  context: FlowContext,
  jobId: string,
  timeoutMs: number,
): Promise<ToolReturn | undefined> {
  const { traffic, signal } = context;
  const stream = await traffic.openStream(jobId);
  const named = await traffic.waitFor(
    () => songsNamed(context, stream) ?? (stream.error || stream.ended ? null : undefined),
    {
      timeoutMs,
      signal,
    },
  );
  if (stream.error) {
    const { type, message } = stream.error;
    throw new GenerationFailedError(
      `The site says the generation failed${type ? ` (${type})` : ""}: ${(message ?? "no reason given").replace(/\.$/, "")}.`,
      {
        retryable: false,
        details: { step: "generation", errorType: type ?? null, errorMessage: message ?? null, siteJobId: jobId },
      },
    );
  }
  if (named) await traffic.closeStream(jobId);
  else if (stream.failure)
    context.logger.warn({ jobId, failure: stream.failure }, "the message stream could not be read");
  return named ?? undefined;
}

function songsNamed(context: FlowContext, stream: StreamState): ToolReturn | undefined {
  const { createSong } = context.site.tools;
  return stream.toolReturns.find(
    (toolReturn) => (toolReturn.toolName ?? createSong) === createSong && toolReturn.clipIds.length > 0,
  );
}
