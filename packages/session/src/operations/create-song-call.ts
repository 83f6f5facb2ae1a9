import { type GenerationRequest, lyricsIdOf, uuidV5 } from "@producer/utils";
import { lengthText } from "../compose-controls.js";
import type { Site } from "../site.js";

export { lyricsIdOf, uuidV5 };

const INSTRUMENTAL = "[Instrumental]";

/**
 * A new song as the compose panel's own code sends it, without the panel: `audio__create_song { sound_prompt,
 * lyrics_id, title, seed, image_id }` with the BPM folded into the prompt (`<prompt>, 96 bpm`), the length into
 * the lyrics' last line (`[End - m:ss]`), instrumental as the lyrics `[Instrumental]`, the lyrics by id (uuid v5
 * of their text) in `client_context.lyrics_id_map` — none for empty text or a bare `[Instrumental]` — and the
 * model's public name as `client_context.selected_model`.
 */
export function createSongCall(
  site: Site,
  request: GenerationRequest,
  title: string,
): { args: Record<string, unknown>; clientContext: Record<string, unknown> } {
  let lyrics = request.instrumental ? INSTRUMENTAL : (request.lyrics ?? "").trim();
  if (request.durationSecs !== undefined)
    lyrics = `${lyrics ? `${lyrics}\n` : ""}[End - ${lengthText(request.durationSecs)}]`;
  const lyricsId = lyricsIdOf(lyrics);
  const modelId = request.model ?? site.defaultModel;
  // A model the site lists but the profile does not know travels by its public name.
  const model = site.models.find((candidate) => candidate.id === modelId)?.label ?? request.model ?? null;
  return {
    args: {
      sound_prompt: request.bpm === undefined ? request.prompt : `${request.prompt}, ${request.bpm} bpm`,
      lyrics_id: lyricsId,
      title,
      seed: request.seed ?? null,
      image_id: null,
    },
    clientContext: { selected_model: model, lyrics_id_map: lyricsId ? { [lyricsId]: lyrics } : {} },
  };
}
