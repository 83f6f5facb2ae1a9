import type { ResolvedSite } from "./resolve-site.js";

/** The controls of a generation request, as far as a profile can refuse them. */
export interface ControlRequest {
  lyrics?: string | undefined;
  instrumental?: boolean | undefined;
  model?: string | undefined;
  bpm?: number | undefined;
  durationSecs?: number | undefined;
  seed?: number | undefined;
  title?: string | undefined;
  stems?: boolean | undefined;
  mode?: string | undefined;
  referenceClipId?: string | undefined;
  format: string;
}

/**
 * The request's controls the profile's site does not have, as input fields: each is refused before anything is
 * submitted, rather than silently dropped.
 */
export function unsupportedControls(
  site: Pick<ResolvedSite, "controls" | "modes" | "models" | "formats">,
  request: ControlRequest,
): Array<{ path: string; message: string }> {
  const fields: Array<{ path: string; message: string }> = [];
  const has = (control: string) => (site.controls as readonly string[]).includes(control);
  const asked: Array<[string, boolean, string?]> = [
    ["lyrics", request.lyrics !== undefined],
    ["instrumental", request.instrumental === true],
    ["model", request.model !== undefined],
    ["bpm", request.bpm !== undefined],
    ["durationSecs", request.durationSecs !== undefined],
    ["seed", request.seed !== undefined],
    ["title", request.title !== undefined],
    ["stems", request.stems === true],
    ["reference", request.referenceClipId !== undefined, "referenceClipId"],
  ];
  for (const [control, present, path] of asked) {
    if (present && !has(control))
      fields.push({ path: path ?? control, message: "is not a control of this site profile" });
  }
  if (request.referenceClipId !== undefined && has("reference")) {
    // A reference song is asked by chat: the chat has no seed and is no compose panel.
    if (request.seed !== undefined)
      fields.push({ path: "seed", message: "cannot be given with referenceClipId (a chat has no seed)" });
    if (request.mode === "compose")
      fields.push({ path: "mode", message: "must be chat (or left out) with referenceClipId: it is asked by chat" });
  }
  if (request.mode !== undefined && !(site.modes as readonly string[]).includes(request.mode)) {
    fields.push({ path: "mode", message: `must be one of ${site.modes.join(", ")} on this site profile` });
  }
  if (request.model !== undefined && has("model") && !site.models.some((model) => model.id === request.model)) {
    fields.push({ path: "model", message: `must be one of ${site.models.map((model) => model.id).join(", ")}` });
  }
  if (!(site.formats as readonly string[]).includes(request.format)) {
    fields.push({ path: "format", message: `must be one of ${site.formats.join(", ")} on this site profile` });
  }
  return fields;
}
