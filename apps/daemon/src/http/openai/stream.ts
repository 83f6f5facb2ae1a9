import type { Context } from "hono";
import { streamSSE, type SSEStreamingApi } from "hono/streaming";
import type { Job, ProducerService } from "@producer/core";
import { toProducerError } from "@producer/utils";
import type { AppEnv } from "../app-deps.js";
import { statusForCode } from "../error-boundary.js";
import { chatCompletionChunk, openAIError, usageChunk } from "./shapes.js";
import { producerExtension, progressLine, songsMarkdown } from "./songs.js";

export interface CompletionJob {
  /** The completion's id, the same in every chunk. */
  id: string;
  model: string;
  jobId: string;
  origin: string;
  includeUsage: boolean;
  /** Where a job this request queued stood in the queue: said first, so it is said even when a worker took it at once. */
  queuedPosition?: number;
  /** Makes an answer sent over TCP name no local path. */
  redact: (value: unknown) => unknown;
}

/** A job that ended without its songs, as the error a stream ends with (OpenAI clients throw it). */
export function jobFailure(job: Job) {
  const failure = job.error ?? { code: "CANCELLED", message: `The job was ${job.status}.`, retryable: false };
  const message = `Job ${job.id} ${job.status}: ${failure.message}`;
  return openAIError(failure, message, statusForCode(failure.code));
}

async function follow(
  stream: SSEStreamingApi,
  service: Pick<ProducerService, "watchJob">,
  options: CompletionJob,
  signal: AbortSignal,
): Promise<void> {
  const send = (value: unknown) => stream.writeSSE({ data: JSON.stringify(options.redact(value)) });
  const say = (content: string) =>
    send(chatCompletionChunk({ id: options.id, model: options.model, delta: { content } }));
  await send(chatCompletionChunk({ id: options.id, model: options.model, delta: { role: "assistant", content: "" } }));
  await say(`Job \`${options.jobId}\`: ${options.origin}/v1/generations/${options.jobId}\n`);
  let said: string | undefined;
  if (options.queuedPosition !== undefined) {
    said = options.queuedPosition ? `Queued (position ${options.queuedPosition}).` : "Queued.";
    await say(`${said}\n`);
  }
  for await (const job of service.watchJob(options.jobId, { signal })) {
    const line = progressLine(job);
    if (line && line !== said) await say(`${line}\n`);
    said = line ?? said;
    if (job.status === "succeeded") {
      const producer = producerExtension(job, options.origin);
      await say(`\n${songsMarkdown(producer)}\n`);
      await send(
        chatCompletionChunk({ id: options.id, model: options.model, delta: {}, finishReason: "stop", producer }),
      );
      if (options.includeUsage) await send(usageChunk(options.id, options.model));
      await stream.writeSSE({ data: "[DONE]" });
      return;
    }
    if (job.status === "failed" || job.status === "cancelled") {
      await send(jobFailure(job));
      return;
    }
  }
}

/**
 * Streams the job as `chat.completion.chunk`s: a content delta per step it reaches (queued, submitted,
 * generating, downloading…), then its songs as markdown links, the end chunk and `[DONE]`. A job that fails ends
 * the stream with an `{ error }` event. A client that goes away stops the stream, not the job.
 */
export function streamCompletion(
  c: Context<AppEnv>,
  service: Pick<ProducerService, "watchJob">,
  options: CompletionJob,
): Response {
  return streamSSE(c, async (stream) => {
    const controller = new AbortController();
    stream.onAbort(() => controller.abort());
    const keepAlive = setInterval(() => void stream.write(": keep-alive\n\n").catch(() => controller.abort()), 15_000);
    try {
      await follow(stream, service, options, controller.signal);
    } catch (error) {
      if (controller.signal.aborted) return;
      const failure = toProducerError(error);
      c.get("logger")?.error({ error, code: failure.code }, "openai stream failed");
      const message = failure.code === "INTERNAL" ? "Internal error; see the daemon log." : failure.message;
      await stream
        .writeSSE({ data: JSON.stringify(options.redact(openAIError(failure, message, statusForCode(failure.code)))) })
        .catch(() => undefined);
    } finally {
      clearInterval(keepAlive);
      controller.abort();
    }
  });
}
