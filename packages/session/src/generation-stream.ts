import { GenerationFailedError } from "@producer/utils";
import type { FlowContext } from "./flow-context.js";
import type { StreamState } from "./page-traffic.js";
import type { ToolReturn } from "./site-answers.js";

/**
 * Which tool-returns name a job's songs: those of one tool, or (a chat, whose agent picks its tools) those of any
 * tool but the page's hints (`synthetic…`, `player…`), less the clips `except` names (the song the chat was about);
 * a chat's stream that ends with none made no song.
 */
export type MadeBy = string | { except: string[] };

/**
 * The tool-return of a job's message stream that names its songs (the create-song tool's by default), read
 * inside the page as it arrives; undefined by the deadline. An error the stream reports ends the wait with the
 * site's reason.
 */
export async function songsFromStream(
  context: FlowContext,
  jobId: string,
  timeoutMs: number,
  madeBy: MadeBy = context.site.tools.createSong,
): Promise<ToolReturn | undefined> {
  const { traffic, signal } = context;
  const stream = await traffic.openStream(jobId);
  let halfPairSince: number | undefined;
  const waited = await traffic.waitFor(
    () => {
      const found = songsNamed(stream, madeBy);
      if (!found) return stream.error || stream.ended ? null : undefined;
      // Half of an A/B pair: its other song comes in a tool-return of its own, paid for all the same.
      if (!isHalfPair(found) || stream.error || stream.ended) return found;
      halfPairSince ??= Date.now();
      return Date.now() - halfPairSince >= A_B_PAIR_WAIT_MS ? found : undefined;
    },
    {
      timeoutMs,
      signal,
    },
  );
  // A half pair whose wait outlasted the deadline still names a paid song.
  const named = waited ?? songsNamed(stream, madeBy);
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
  if (!named && typeof madeBy !== "string" && stream.ended && !stream.failure) {
    // "The agent may use other tools or make none": the chat's answer came to its end without a song.
    throw new GenerationFailedError("The site's agent answered the chat without making a song; nothing was made.", {
      retryable: false,
      details: { step: "generation", siteJobId: jobId },
    });
  }
  if (named) await traffic.closeStream(jobId);
  else if (stream.failure)
    context.logger.warn({ jobId, failure: stream.failure }, "the message stream could not be read");
  return named ?? undefined;
}

/**
 * What a tool that makes no song (lyrics, an image, a caption) returned in the job's stream: the content of its
 * first tool-return, or undefined when none came within `timeoutMs`. A stream `error` is the call's failure.
 */
export async function toolContentFromStream(
  context: FlowContext,
  jobId: string,
  timeoutMs: number,
  toolName: string,
): Promise<Record<string, unknown> | undefined> {
  const { traffic, signal } = context;
  const stream = await traffic.openStream(jobId);
  const returned = () => stream.toolReturns.find((part) => (part.toolName ?? toolName) === toolName);
  const found = await traffic.waitFor(() => returned() ?? (stream.error || stream.ended ? null : undefined), {
    timeoutMs,
    signal,
  });
  if (!found && stream.error) {
    const { type, message } = stream.error;
    throw new GenerationFailedError(
      `The site says the ${toolName} call failed${type ? ` (${type})` : ""}: ${(message ?? "no reason given").replace(/\.$/, "")}.`,
      {
        retryable: false,
        details: { step: "tool", errorType: type ?? null, errorMessage: message ?? null, siteJobId: jobId },
      },
    );
  }
  if (found) await traffic.closeStream(jobId);
  return found?.content;
}

/** The tool-return as far as it names songs `madeBy` counts; undefined when it names none of them. */
function madeOf(toolReturn: ToolReturn, madeBy: MadeBy): ToolReturn | undefined {
  if (typeof madeBy === "string") return (toolReturn.toolName ?? madeBy) === madeBy ? toolReturn : undefined;
  if (/^(synthetic|player)/.test(toolReturn.toolName ?? "")) return undefined;
  return { ...toolReturn, clipIds: toolReturn.clipIds.filter((id) => !madeBy.except.includes(id)) };
}

/** How long a tool-return naming one song of an A/B pair waits for the tool-return of the other. */
const A_B_PAIR_WAIT_MS = 10_000;

const isHalfPair = (toolReturn: ToolReturn) => toolReturn.abTestId !== undefined && toolReturn.clipIds.length === 1;

/**
 * The songs the stream's tool-returns `madeBy` counts name: the first one's, joined by those of the tool-returns
 * that share its A/B test id.
 */
function songsNamed(stream: StreamState, madeBy: MadeBy): ToolReturn | undefined {
  const made = stream.toolReturns
    .map((toolReturn) => madeOf(toolReturn, madeBy))
    .filter((toolReturn): toolReturn is ToolReturn => toolReturn !== undefined && toolReturn.clipIds.length > 0);
  const [first] = made;
  if (!first?.abTestId) return first;
  const pair = made.filter((toolReturn) => toolReturn.abTestId === first.abTestId);
  // The other operation is known by its clip's `op_id` once the clips are asked.
  return { ...first, clipIds: [...new Set(pair.flatMap((toolReturn) => toolReturn.clipIds))] };
}
