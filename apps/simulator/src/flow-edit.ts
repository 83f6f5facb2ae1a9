import type { Context } from "hono";
import type { FlowContext } from "./flow-context.js";
import { closeStream, newOperation, sendToolReturn } from "./flow-generation.js";
import type { EditNode } from "./flow-recipe.js";
import {
  answerJob,
  chargeToolRun,
  countFault,
  derivedClip,
  failToolCall,
  refuseForCredits,
  takeableSource,
  takeToolCall,
  type ToolCallRequest,
} from "./flow-tool-job.js";

/** The length of the song an edit makes from a song of `sourceSecs`, or why the edit cannot be made. */
export function editedDurationSecs(edit: EditNode, sourceSecs: number): number | string {
  if (edit.node_type === "ExtendSection") {
    // "extend_s: seconds to add … extend_from_s: null = from the end": from a point, the song then ends there + extend_s.
    if (!(edit.extend_s > 0)) return "extend_s must be above 0";
    if (edit.extend_from_s === null) return sourceSecs + edit.extend_s;
    if (edit.extend_from_s < 0 || edit.extend_from_s > sourceSecs) return "extend_from_s is outside the song";
    return edit.extend_from_s + edit.extend_s;
  }
  if (edit.node_type === "ReplaceSection") {
    // "ReplaceSection { instruction, masks: [{ start_s, end_s }, …] }: the rest is kept" — so is the length.
    const fits = edit.masks.every((mask) => mask.start_s >= 0 && mask.start_s < mask.end_s && mask.end_s <= sourceSecs);
    return edit.masks.length > 0 && fits ? sourceSecs : "every mask must lie inside the song, start before end";
  }
  // "CoverSong { instruction, strength, seed }: 0–1": a cover keeps the song's length.
  return edit.strength >= 0 && edit.strength <= 1 ? sourceSecs : "strength must be between 0 and 1";
}

const EDIT_WORDS: Record<EditNode["node_type"], string> = {
  ExtendSection: "extended",
  ReplaceSection: "replaced",
  CoverSong: "cover",
};

/**
 * `audio__render_edit { recipe_id, title, image_id: null }`: renders a recipe into one new clip, awaited like a song
 * (`op_type: "audio__render_edit"`, `operation.source_clip_id` = the recipe's Input clip). The facts: "an
 * audio-making edit [costs] about as much as a song", so it costs `creditsPerSong`. Its tool-return names the clip
 * as `clip_outputs` (FS), a bare `clip_id` (DB's README) or both (`renderReturn`).
 */
export function renderEdit(context: FlowContext, c: Context, request: ToolCallRequest): Response | Promise<Response> {
  const { settings, faults, store } = context;
  const { account, args } = request;
  const price = settings.creditsPerSong;
  const refused = refuseForCredits(context, c, account, price);
  if (refused) return refused;
  const { job, call } = takeToolCall(context, request);
  if (faults.fire("edit-stalled")) {
    countFault(context, "edit-stalled");
    return c.json({ job_id: job.id });
  }
  const recipe = typeof args.recipe_id === "string" ? store.recipes.get(args.recipe_id) : undefined;
  const source = recipe?.account === account ? takeableSource(context, account, recipe.sourceClipId) : "no such recipe";
  const durationSecs =
    typeof source === "string" ? source : editedDurationSecs((recipe as { edit: EditNode }).edit, source.durationSecs);
  if (typeof source === "string" || typeof durationSecs === "string" || !recipe) {
    failToolCall(context, job, call, typeof source === "string" ? source : String(durationSecs));
    return c.json({ job_id: job.id });
  }
  chargeToolRun(context, account, call.tool_name, price);
  const operation = newOperation(context, account, "audio__render_edit", Date.now());
  if (faults.fire("edit-failed")) {
    countFault(context, "edit-failed");
    operation.failure = { error_type: "render_failed", error_message: "This edit could not be rendered. Try again." };
  }
  if (faults.fire("edit-never-done")) {
    countFault(context, "edit-never-done");
    operation.readyAt = Number.POSITIVE_INFINITY;
  }
  const title =
    (typeof args.title === "string" && args.title.trim()) ||
    recipe.outputTitle ||
    `${source.title} (${EDIT_WORDS[recipe.edit.node_type]})`;
  const clip = derivedClip(context, source, operation, { title, durationSecs, seed: recipe.edit.seed });
  store.addOperation(operation, [clip]);
  const named = {
    ...(settings.renderReturn !== "clip_id" ? { clip_outputs: [{ node_id: "output", clip_id: clip.id, title }] } : {}),
    ...(settings.renderReturn !== "clip_outputs" ? { clip_id: clip.id } : {}),
  };
  job.later(settings.toolReturnDelayMs, () => {
    sendToolReturn(context, job, call, {
      status: "pending",
      operation_id: operation.opId,
      ...named,
      estimated_time: Math.max(1, Math.ceil(settings.generationMs / 1000)),
    });
    closeStream(context, job, false);
  });
  return answerJob(context, c, job);
}
