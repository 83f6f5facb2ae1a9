/**
 * The earlier service's interfaces on the new engine: callers written against `producer_integration` and
 * `producer_music_clip_service` keep their calls and their snake_case answers.
 *
 * @example
 * ```ts
 * import { producer } from "@producer/core";
 * import { ProducerIntegration } from "@producer/legacy-compat";
 * const integration = new ProducerIntegration(producer); // or a ProducerService
 * const answer = await integration.generate_music({ prompt: "a happy pop song", project_id: "p", user_id: "u", use_queue: true });
 * // { success: true, request_id, status: "queued", queue_position, estimated_wait_time }
 * ```
 */
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
export type * from "./v1/shapes.js";
