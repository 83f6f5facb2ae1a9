import { isTerminal, type DirectResult } from "@producer/core";
import { LegacyService } from "./legacy-service.js";
import { describeError } from "./v1/map.js";
import { toAutomationFailure, toAutomationSuccess } from "./v1/unified-map.js";
import type { AutomationResult } from "./v1/shapes.js";

interface AutomationParams {
  prompt: string;
  title?: string | null;
  download_path?: string | null;
}

/**
 * The earlier `ProducerAIService` (the browser automation) on the new engine: direct, never queued, answering the
 * `producer_ai_automation` result. With a `download_path`, the songs are also copied there.
 */
export class ProducerAIService extends LegacyService {
  protected readonly legacyName = "ProducerAIService";

  generate_music(params: AutomationParams): Promise<AutomationResult>;
  generate_music(prompt: string, title?: string | null, download_path?: string | null): Promise<AutomationResult>;
  async generate_music(
    first: string | AutomationParams,
    title: string | null = null,
    download_path: string | null = null,
  ): Promise<AutomationResult> {
    this.warn("generate_music", "producer.generateMusic({ prompt, title, useQueue: false })");
    const params: AutomationParams =
      typeof first === "string" ? { prompt: first, title, download_path } : (first ?? { prompt: "" });
    const prompt = typeof params?.prompt === "string" ? params.prompt : "";
    try {
      const result = (await this.backend.generateMusic({
        prompt,
        useQueue: false,
        ...(params.title ? { title: params.title } : {}),
      })) as DirectResult;
      const job = isTerminal(result.job.status)
        ? result.job
        : await this.backend.waitForJob(result.jobId, { timeoutMs: this.waitTimeoutSecs * 1000 });
      if (job.status !== "succeeded") {
        return toAutomationFailure(
          job.error ? `${job.error.code}: ${job.error.message}` : `The generation ${job.status}.`,
          prompt,
        );
      }
      await (params.download_path ? this.files.withFolder(params.download_path) : this.files)
        .keep(job)
        .catch(() => undefined);
      return toAutomationSuccess(job);
    } catch (error) {
      return toAutomationFailure(describeError(error), prompt);
    }
  }
}
