import type { GeneratedSong, GenerationRequest } from "@producer/utils";
import type { ClipState } from "./site-answers.js";

/** A downloaded song as the driver answers it: what the site says of the clip, and what was asked. */
export function songOf(
  clip: ClipState,
  index: number,
  filePath: string,
  request: GenerationRequest,
  creditsCharged?: number,
  model = request.model,
): GeneratedSong {
  return {
    index,
    title: clip.title || request.title || `Song ${index + 1}`,
    filePath,
    format: request.format,
    clipId: clip.id,
    ...(model ? { model } : {}),
    ...(clip.seed !== undefined ? { seed: clip.seed } : {}),
    ...(request.bpm !== undefined ? { bpm: request.bpm } : {}),
    ...(clip.durationSecs !== undefined ? { siteDurationSecs: clip.durationSecs } : {}),
    ...(creditsCharged !== undefined ? { creditsCharged: Math.round(creditsCharged * 100) / 100 } : {}),
  };
}
