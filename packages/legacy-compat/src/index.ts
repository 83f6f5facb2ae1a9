/**
 * The earlier service's public surface on the new engine: the same classes, module-level instances, method names,
 * arguments and snake_case answers, so its callers run unchanged.
 *
 * @example
 * ```ts
 * import { unified_producer_service } from "@producer/legacy-compat";
 * const result = await unified_producer_service.generate_music({ prompt: "Create a happy pop song", project_id: "p", user_id: "u" });
 * // { success: true, message: "Music generation completed successfully", generation_id: "clip_…", uploaded_files: [...] }
 * ```
 */
export { ProducerAIService } from "./producer-ai-service.js";
export { ProducerAIMusicClipService } from "./producer-ai-music-clip-service.js";
export { UnifiedProducerAIService } from "./unified-producer-ai-service.js";
export { producer_music_clip_service, producer_service, unified_producer_service } from "./instances.js";
export { LegacyService, type LegacyServiceOptions } from "./legacy-service.js";
export { GenerationError, ProducerAIError, S3UploadError } from "./errors.js";
export { AUDIO_EXTENSIONS, LegacyFiles } from "./files.js";
export { generationId, jobIdOf, nowSeconds } from "./v1/ids.js";
export {
  toAutomationSuccess,
  toRequestStatusObject,
  toSessionStatusObject,
  toUnifiedInput,
  toUnifiedSuccess,
} from "./v1/unified-map.js";
export type * from "./v1/shapes.js";

// Earlier layers of this package, kept for anyone who used them (deprecated).
export { ProducerIntegration, directAnswer } from "./producer-integration.js";
export { ProducerMusicClipService } from "./producer-music-clip-service.js";
export {
  describeError,
  toGenerateInput,
  toGenerationFailure,
  toGenerationSuccess,
  toLegacyState,
  toQueueStatus,
  toRequestStatus,
  toUploadedFile,
} from "./v1/map.js";
