import { isTerminal, type DirectResult, type ProducerBackend, type QueuedResult } from "@producer/core";
import { warnDeprecated } from "./deprecation.js";
import { windowId } from "./v1/ids.js";
import {
  describeError,
  toGenerateInput,
  toGenerationFailure,
  toGenerationSuccess,
  toQueueStatus,
  toRequestStatus,
  toLegacyState,
} from "./v1/map.js";
import type {
  LegacyCancelResult,
  LegacyGenerateParams,
  LegacyGenerationResult,
  LegacyQueueFailure,
  LegacyQueueStatus,
  LegacyQueueSubmission,
  LegacyRequestStatus,
} from "./v1/shapes.js";

type QueueAnswer = LegacyQueueSubmission | LegacyQueueFailure;

/**
 * @deprecated An earlier layer of this package; the earlier service's own names are `UnifiedProducerAIService`,
 * `ProducerAIMusicClipService` and `ProducerAIService` (with `unified_producer_service` and the other instances).
 *
 * The session manager's queue and direct calls on the new engine: the same calls and the same snake_case answers, with
 * `success: false` where it returned that (never a thrown error). Works on any `ProducerBackend`: the in-process
 * `ProducerService` or the daemon's `ProducerClient`.
 */
export class ProducerIntegration {
  constructor(private readonly backend: ProducerBackend) {}

  /** Queued by default (`use_queue: true`), direct with `use_queue: false`. */
  async generate_music(params: LegacyGenerateParams): Promise<QueueAnswer | LegacyGenerationResult> {
    warnDeprecated(
      "ProducerIntegration.generate_music",
      "producer.generateMusic({ prompt, title, projectId, userId, useQueue })",
    );
    return params?.use_queue === false ? this.direct(params) : this.queue(params);
  }

  async generate_music_direct(params: LegacyGenerateParams): Promise<LegacyGenerationResult> {
    warnDeprecated("ProducerIntegration.generate_music_direct", "producer.generateMusic({ …, useQueue: false })");
    return this.direct(params);
  }

  async submit_request(params: LegacyGenerateParams): Promise<QueueAnswer> {
    warnDeprecated("ProducerIntegration.submit_request", "producer.generateMusic({ …, useQueue: true })");
    return this.queue(params);
  }

  async get_request_status(request_id: string): Promise<LegacyRequestStatus | LegacyQueueFailure> {
    warnDeprecated("ProducerIntegration.get_request_status", "producer.getJob(jobId)");
    try {
      return toRequestStatus(await this.backend.getJob(request_id));
    } catch (error) {
      return { success: false, error: describeError(error), request_id };
    }
  }

  /** Waits for the request to end (or `timeout_seconds`), then answers as `get_request_status`. */
  async wait_for_request(request_id: string, timeout_seconds = 600): Promise<LegacyRequestStatus | LegacyQueueFailure> {
    warnDeprecated("ProducerIntegration.wait_for_request", "producer.waitForJob(jobId, { timeoutMs })");
    try {
      return toRequestStatus(await this.backend.waitForJob(request_id, { timeoutMs: timeout_seconds * 1000 }));
    } catch (error) {
      return { success: false, error: describeError(error), request_id };
    }
  }

  async cancel_request(request_id: string): Promise<LegacyCancelResult | LegacyQueueFailure> {
    warnDeprecated("ProducerIntegration.cancel_request", "producer.cancel(jobId)");
    try {
      const job = await this.backend.cancel(request_id);
      return { success: true, request_id, status: toLegacyState(job.status) };
    } catch (error) {
      return { success: false, error: describeError(error), request_id };
    }
  }

  async get_queue_status(): Promise<LegacyQueueStatus | LegacyQueueFailure> {
    warnDeprecated("ProducerIntegration.get_queue_status", "producer.status()");
    try {
      return toQueueStatus(await this.backend.status());
    } catch (error) {
      return { success: false, error: describeError(error), request_id: null };
    }
  }

  private async queue(params: LegacyGenerateParams): Promise<QueueAnswer> {
    try {
      const result = (await this.backend.generateMusic(toGenerateInput(params, true))) as QueuedResult;
      return {
        success: true,
        request_id: result.jobId,
        status: "queued",
        assigned_window_id: windowId(result.jobId),
        queue_position: result.position,
        estimated_wait_time: Math.ceil(result.etaMs / 1000),
      };
    } catch (error) {
      return { success: false, error: describeError(error), request_id: null };
    }
  }

  private async direct(params: LegacyGenerateParams): Promise<LegacyGenerationResult> {
    try {
      const result = (await this.backend.generateMusic(toGenerateInput(params, false))) as DirectResult;
      return directAnswer(result);
    } catch (error) {
      return toGenerationFailure(describeError(error), null);
    }
  }
}

/** A direct result in the earlier shape: success once it ended well, the old failure otherwise. */
export function directAnswer(result: DirectResult): LegacyGenerationResult {
  const { job } = result;
  if (job.status === "succeeded") return toGenerationSuccess(job);
  if (!isTerminal(job.status)) {
    return toGenerationFailure(
      `Still ${job.status} after the wait; the generation goes on. Check it with get_request_status("${job.id}").`,
      job.id,
    );
  }
  return toGenerationFailure(
    job.error ? `${job.error.code}: ${job.error.message}` : `The generation was ${job.status}.`,
    job.id,
  );
}
