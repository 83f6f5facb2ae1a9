import { generateUnified } from "./generate-unified.js";
import { LegacyService } from "./legacy-service.js";
import { unifiedParams } from "./v1/unified-map.js";
import type { UnifiedGenerateArgs, UnifiedGenerateParams, UnifiedResult } from "./v1/shapes.js";

/**
 * The earlier `UnifiedProducerAIService` on the new engine: queued (the default) or direct generation, waiting for
 * the songs, answering `create_success_response` / `create_error_response`. Takes the earlier arguments in order
 * (`prompt, title, is_instrumental, lyrics, project_id, user_id, use_queue`), or one object of them by name.
 *
 * @example
 * ```ts
 * import { unified_producer_service } from "@producer/legacy-compat";
 * const result = await unified_producer_service.generate_music("Create a happy pop song", "My New Song", false, null, "project_123", "user_456");
 * if (result.success) console.log(result.uploaded_files.map((file) => file.s3_url));
 * ```
 */
export class UnifiedProducerAIService extends LegacyService {
  protected readonly legacyName = "UnifiedProducerAIService";

  async generate_music(...args: [UnifiedGenerateParams] | UnifiedGenerateArgs): Promise<UnifiedResult> {
    this.warn("generate_music", "producer.generateMusic({ prompt, title, projectId, userId, useQueue })");
    const params = unifiedParams(args);
    return generateUnified(this.backend, this.files, params, {
      useQueue: params?.use_queue !== false,
      timeoutSecs: this.waitTimeoutSecs,
    });
  }
}
