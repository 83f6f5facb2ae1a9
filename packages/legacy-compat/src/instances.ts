import { ProducerAIMusicClipService } from "./producer-ai-music-clip-service.js";
import { ProducerAIService } from "./producer-ai-service.js";
import { UnifiedProducerAIService } from "./unified-producer-ai-service.js";

/**
 * The earlier module-level instances, on the default daemon client (`producer` from `@producer/core`: the configured
 * socket, `PRODUCER_DAEMON_TOKEN`). Nothing is opened until the first call.
 */
export const producer_service = /* @__PURE__ */ new ProducerAIService();
export const producer_music_clip_service = /* @__PURE__ */ new ProducerAIMusicClipService();
export const unified_producer_service = /* @__PURE__ */ new UnifiedProducerAIService();
