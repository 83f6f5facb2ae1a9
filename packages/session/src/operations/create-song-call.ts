import { createHash } from "node:crypto";
import type { GenerationRequest } from "@producer/utils";
import { lengthText } from "../compose-controls.js";
import type { Site } from "../site.js";

/** The namespace the app's lyrics ids are uuid v5 names in. */
const LYRICS_NAMESPACE = "b8f9e3a1-7c2d-4f5e-9a8b-1c3d5e7f9a2b";
const INSTRUMENTAL = "[Instrumental]";

/** RFC 4122 uuid v5: SHA-1 of the namespace's bytes and the name's UTF-8, version and variant bits set. */
export function uuidV5(name: string, namespace = LYRICS_NAMESPACE): string {
  const hash = createHash("sha1")
    .update(Buffer.from(namespace.replace(/-/g, ""), "hex"))
    .update(name, "utf8")
    .digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The id the app gives lyrics: uuid v5 of the text; `""` (no id, no map entry) for blank text or a bare `[Instrumental]`. */
export function lyricsIdOf(text: string): string {
  return text.trim() === "" || text.trim() === INSTRUMENTAL ? "" : uuidV5(text);
}

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
  const model = site.models.find((candidate) => candidate.id === modelId)?.label ?? null;
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
