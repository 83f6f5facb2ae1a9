import { InvalidInputError, type GenerationRequest } from "@producer/utils";
import { lengthText } from "../compose-controls.js";
import type { Site } from "../site.js";

/** The profile's wording of a song seeded with a reference clip (`toolCalls.reference`). */
export type ReferenceTemplates = NonNullable<NonNullable<Site["toolCalls"]>["reference"]>;

const fill = (template: string, values: Record<string, string>) =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);

/** Every string of a JSON template with `{clipId}` put in, at any depth. */
function filled(template: unknown, values: Record<string, string>): unknown {
  if (typeof template === "string") return fill(template, values);
  if (Array.isArray(template)) return template.map((item) => filled(item, values));
  if (template && typeof template === "object")
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, filled(value, values)]));
  return template;
}

/** The profile's reference templates, or INVALID_INPUT before anything is sent when it has none. */
export function referenceTemplates(site: Site): ReferenceTemplates {
  const reference = site.toolCalls?.reference;
  if (!reference || !site.api.chat || !site.api.conversationCreate) {
    throw new InvalidInputError(
      `The ${site.profile} profile cannot seed a song with a reference clip (it names no toolCalls.reference, api.chat or api.conversationCreate); nothing was sent.`,
      [{ path: "referenceClipId", message: `is not supported by the ${site.profile} site profile` }],
    );
  }
  return reference;
}

/**
 * A new song with a clip of the library as its reference track, asked the way the app's clients ask it: a chat
 * message ("Make a song with my uploaded audio as the reference track. Sound: …", then the lyrics, or
 * "Instrumental, no vocals.", and "Length m:ss."), the BPM folded into the sound as the compose panel folds it,
 * and a `client_context` that points the agent at the clip (`current_song_id`, `song_queue`) with the chosen
 * model's public name.
 */
export function referenceChat(
  site: Site,
  request: GenerationRequest & { referenceClipId: string },
): { message: string; clientContext: Record<string, unknown>; extra: Record<string, unknown> } {
  const reference = referenceTemplates(site);
  const prompt = request.bpm === undefined ? request.prompt : `${request.prompt}, ${request.bpm} bpm`;
  const words = [fill(reference.message, { prompt })];
  const lyrics = request.lyrics?.trim();
  if (lyrics && !request.instrumental) words.push(fill(reference.lyrics, { lyrics }));
  else if (request.instrumental) words.push(reference.instrumental);
  if (request.durationSecs !== undefined)
    words.push(fill(reference.length, { length: lengthText(request.durationSecs) }));
  const modelId = request.model ?? site.defaultModel;
  const model = site.models.find((candidate) => candidate.id === modelId)?.label ?? request.model ?? null;
  const pointer = filled(reference.clientContext, { clipId: request.referenceClipId }) as Record<string, unknown>;
  return {
    message: words.join("\n"),
    clientContext: { ...pointer, selected_model: model },
    extra: structuredClone(reference.chat),
  };
}
