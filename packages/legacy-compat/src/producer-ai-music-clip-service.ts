import { generateUnified } from "./generate-unified.js";
import { LegacyService } from "./legacy-service.js";
import { unifiedParams } from "./v1/unified-map.js";
import type { UnifiedGenerateArgs, UnifiedGenerateParams, UnifiedResult } from "./v1/shapes.js";

type ClipParams = Omit<UnifiedGenerateParams, "use_queue">;
type ClipArgs = UnifiedGenerateArgs extends [...infer Head, use_queue?: boolean] ? Head : never;

/**
 * The earlier `ProducerAIMusicClipService` on the new engine: a project's music clip, always queued and waited for,
 * answered as the unified result. Takes `prompt, title, is_instrumental, lyrics, project_id, user_id` in order or
 * by name. Audio is stored under `users/{user_id}/projects/music-clip/{project_id}/audio/…` (the
 * `storage.keyTemplates.audio` default).
 */
export class ProducerAIMusicClipService extends LegacyService {
  protected readonly legacyName = "ProducerAIMusicClipService";

  async generate_music_for_clip(...args: [ClipParams] | ClipArgs): Promise<UnifiedResult> {
    this.warn(
      "generate_music_for_clip",
      "producer.generateMusic({ prompt, title, projectId, userId, useQueue: true })",
    );
    return generateUnified(this.backend, this.files, unifiedParams(args as UnifiedGenerateArgs), {
      useQueue: true,
      timeoutSecs: this.waitTimeoutSecs,
    });
  }

  /** Always true: local copies are managed by the download folder, and stored songs stay stored. */
  async cleanup_local_files(_generation_id: string): Promise<true> {
    this.warn("cleanup_local_files", "nothing (cleanup is automatic)");
    return true;
  }
}
