import { isTerminal, type DirectResult, type Job, type ProducerBackend, type QueuedResult } from "@producer/core";
import type { LegacyFiles } from "./files.js";
import { describeError } from "./v1/map.js";
import { toUnifiedFailure, toUnifiedInput, toUnifiedSuccess } from "./v1/unified-map.js";
import type { LegacyErrorType, UnifiedGenerateParams, UnifiedResult, UnifiedSuccess } from "./v1/shapes.js";

const codeOf = (error: unknown): unknown => (error as { code?: unknown })?.code;

/** The earlier `error_type` of a thrown engine error, at the step that threw it. */
function errorTypeOf(error: unknown, step: LegacyErrorType): LegacyErrorType {
  switch (codeOf(error)) {
    case "INVALID_INPUT":
      return "GenerationError";
    case "TIMEOUT":
      return "TimeoutError";
    case "CANCELLED":
      return "CancellationError";
    default:
      return step;
  }
}

/** A job that ended (or did not, within the wait) as the unified answer; songs are copied to the download folder. */
async function answer(
  job: Job,
  method: UnifiedSuccess["method"],
  files: LegacyFiles,
  prompt: string,
): Promise<UnifiedResult> {
  const requestId = method === "producer_ai_queue" ? job.id : undefined;
  const context = { method, prompt, ...(requestId ? { requestId } : {}) };
  if (job.status === "succeeded") {
    const kept = await files.keep(job).catch(() => new Map<string, string>());
    return toUnifiedSuccess(job, method, kept);
  }
  if (job.status === "cancelled") {
    return toUnifiedFailure(
      job.error ? `${job.error.code}: ${job.error.message}` : "CANCELLED: The request was cancelled.",
      "CancellationError",
      context,
    );
  }
  if (!isTerminal(job.status)) {
    return toUnifiedFailure(
      `TIMEOUT: still ${job.status} after the wait; the generation goes on (request ${job.id}).`,
      "TimeoutError",
      {
        ...context,
        requestId: job.id,
      },
    );
  }
  const error = job.error ? `${job.error.code}: ${job.error.message}` : `The generation ${job.status}.`;
  return toUnifiedFailure(
    error,
    method === "producer_ai_queue" ? "QueueGenerationError" : "DirectGenerationError",
    context,
  );
}

/**
 * The earlier unified generation: queued (the default) or direct, waiting for the songs either way, answering
 * `create_success_response` or `create_error_response` — never throwing.
 */
export async function generateUnified(
  backend: ProducerBackend,
  files: LegacyFiles,
  params: UnifiedGenerateParams,
  options: { useQueue: boolean; timeoutSecs: number },
): Promise<UnifiedResult> {
  if (!params || typeof params !== "object" || typeof params.prompt !== "string") {
    return toUnifiedFailure("INVALID_INPUT: prompt is required.", "GenerationError", {
      method: "producer_ai_unified",
      prompt: null,
    });
  }
  const { prompt } = params;
  const deadline = Date.now() + options.timeoutSecs * 1000;
  const remaining = () => Math.max(1, deadline - Date.now());
  const input = toUnifiedInput(params, options.useQueue);
  if (!options.useQueue) {
    try {
      const result = (await backend.generateMusic(input)) as DirectResult;
      const job = isTerminal(result.job.status)
        ? result.job
        : await backend.waitForJob(result.jobId, { timeoutMs: remaining() });
      return await answer(job, "producer_ai_direct", files, prompt);
    } catch (error) {
      return toUnifiedFailure(describeError(error), errorTypeOf(error, "DirectGenerationError"), {
        method: "producer_ai_direct",
        prompt,
      });
    }
  }
  let requestId: string;
  try {
    requestId = ((await backend.generateMusic(input)) as QueuedResult).jobId;
  } catch (error) {
    return toUnifiedFailure(describeError(error), errorTypeOf(error, "QueueError"), {
      method: "producer_ai_queue",
      prompt,
    });
  }
  try {
    return await answer(
      await backend.waitForJob(requestId, { timeoutMs: remaining() }),
      "producer_ai_queue",
      files,
      prompt,
    );
  } catch (error) {
    return toUnifiedFailure(describeError(error), errorTypeOf(error, "QueueGenerationError"), {
      method: "producer_ai_queue",
      prompt,
      requestId,
    });
  }
}
