import type { DirectResult, ProducerBackend } from "@producer/core";
import { warnDeprecated } from "./deprecation.js";
import { jobIdOf } from "./v1/ids.js";
import { directAnswer } from "./producer-integration.js";
import { describeError, toGenerateInput, toGenerationFailure, toGenerationSuccess } from "./v1/map.js";
import type { LegacyGenerateParams, LegacyGenerationResult } from "./v1/shapes.js";

/**
 * @deprecated An earlier layer of this package; the earlier service's own class is `ProducerAIMusicClipService`
 * (`producer_music_clip_service.generate_music_for_clip`).
 *
 * Generates a project's music clip directly and answers in the session manager's direct-generation shape. Audio is stored under the earlier layout,
 * `users/{user_id}/projects/music-clip/{project_id}/audio/…` (the `storage.keyTemplates.audio` default), unless
 * the backend is configured otherwise.
 */
export class ProducerMusicClipService {
  constructor(private readonly backend: ProducerBackend) {}

  async generate_music_clip(params: LegacyGenerateParams): Promise<LegacyGenerationResult> {
    warnDeprecated(
      "ProducerMusicClipService.generate_music_clip",
      "producer.generateMusic({ prompt, title, projectId, userId, useQueue: false })",
    );
    if (!params?.project_id || !params.user_id) {
      return toGenerationFailure("project_id and user_id are required for a music clip.", null);
    }
    try {
      return directAnswer((await this.backend.generateMusic(toGenerateInput(params, false))) as DirectResult);
    } catch (error) {
      return toGenerationFailure(describeError(error), null);
    }
  }

  /** The result of an earlier clip generation, in the same shape. */
  async get_generation(generation_id: string): Promise<LegacyGenerationResult> {
    warnDeprecated("ProducerMusicClipService.get_generation", "producer.getJob(jobId)");
    try {
      const job = await this.backend.getJob(jobIdOf(generation_id));
      if (job.status === "succeeded") return toGenerationSuccess(job);
      return toGenerationFailure(
        job.error ? `${job.error.code}: ${job.error.message}` : `The generation is ${job.status}.`,
        generation_id,
      );
    } catch (error) {
      return toGenerationFailure(describeError(error), generation_id);
    }
  }
}
