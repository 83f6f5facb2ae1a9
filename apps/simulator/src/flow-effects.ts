import type { Context } from "hono";
import type { FlowContext } from "./flow-context.js";
import { closeStream, newOperation, sendToolReturn } from "./flow-generation.js";
import type { FlowClip } from "./flow-store.js";
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

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === "object" && value !== null && !Array.isArray(value);
const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

/** What an effect graph asks: the source clip, the new length, and a word for the default title; or why not. */
type EffectPlan = { sourceId: unknown; lengthOf: (sourceSecs: number) => number | string; word: string };

/**
 * Reads `graph: [{ node_type: "Input", node_id, track_id }, <fx>, { node_type: "Output", input_ids: [<fx id>] }]`
 * with fx `Trim { node_id, input_ids, start_s, end_s }` or `TempoShift { node_id, input_ids, speed, semitones }`.
 */
function planEffect(graph: unknown): EffectPlan | string {
  if (!Array.isArray(graph) || graph.length !== 3 || !graph.every(isNode))
    return "graph must be [Input, effect, Output]";
  const [input, fx, output] = graph as [Node, Node, Node];
  if (input.node_type !== "Input" || typeof input.node_id !== "string")
    return "the first node must be an Input with a node_id";
  if (output.node_type !== "Output") return "the last node must be an Output";
  const linked =
    typeof fx.node_id === "string" &&
    JSON.stringify(fx.input_ids) === JSON.stringify([input.node_id]) &&
    JSON.stringify(output.input_ids) === JSON.stringify([fx.node_id]);
  if (!linked) return "the nodes are not linked Input → effect → Output by their ids";
  if (fx.node_type === "Trim") {
    const { start_s: start, end_s: end } = fx;
    if (!isNumber(start) || !isNumber(end) || start < 0 || start >= end) return "Trim needs 0 <= start_s < end_s";
    // A trim keeps start_s…end_s: its length is end − start.
    return {
      sourceId: input.track_id,
      word: "trim",
      lengthOf: (secs) => (end <= secs ? end - start : "end_s is past the end of the song"),
    };
  }
  if (fx.node_type === "TempoShift") {
    const { speed, semitones } = fx;
    if (!isNumber(speed) || speed <= 0 || !isNumber(semitones)) return "TempoShift needs speed > 0 and semitones";
    // "speed (1 = same)": played `speed` times as fast, the song lasts its length ÷ speed.
    return { sourceId: input.track_id, word: "tempo", lengthOf: (secs) => secs / speed };
  }
  return `unknown effect ${String(fx.node_type)}`;
}

/** A call that makes one clip at once and answers `{ result_clip_id }` (effects and conversions). */
function makeResultClip(
  context: FlowContext,
  c: Context,
  request: ToolCallRequest,
  plan: (source: FlowClip | string) => { durationSecs: number; title: string } | string,
  sourceId: unknown,
): Response | Promise<Response> {
  const { settings, store } = context;
  // The facts price neither effects nor conversions ("every edit that makes audio costs credits", DB): a setting, 0 by default.
  const price = settings.creditsPerEffect;
  const refused = refuseForCredits(context, c, request.account, price);
  if (refused) return refused;
  const { job, call } = takeToolCall(context, request);
  if (context.faults.fire("edit-stalled")) {
    countFault(context, "edit-stalled");
    return c.json({ job_id: job.id });
  }
  const source = takeableSource(context, request.account, sourceId);
  const made = plan(source);
  if (typeof source === "string" || typeof made === "string") {
    failToolCall(context, job, call, typeof made === "string" ? made : String(source));
    return c.json({ job_id: job.id });
  }
  chargeToolRun(context, request.account, call.tool_name, price);
  const operation = newOperation(context, request.account, "audio__render_edit", Date.now());
  const clip = derivedClip(context, source, operation, {
    ...made,
    seed: null,
    effectMade: call.tool_name === "audio__apply_effect",
  });
  store.addOperation(operation, [clip]);
  job.later(settings.toolReturnDelayMs, () => {
    sendToolReturn(context, job, call, { result_clip_id: clip.id });
    closeStream(context, job, false);
  });
  return answerJob(context, c, job);
}

const titleOr = (value: unknown, fallback: string) =>
  typeof value === "string" && value.trim() ? value.trim() : fallback;

/** `audio__apply_effect { graph, output_title }` → `{ result_clip_id }`: a trimmed or tempo-shifted copy. */
export function applyEffect(context: FlowContext, c: Context, request: ToolCallRequest): Response | Promise<Response> {
  const effect = planEffect(request.args.graph);
  const sourceId = typeof effect === "string" ? undefined : effect.sourceId;
  return makeResultClip(
    context,
    c,
    request,
    (source) => {
      if (typeof effect === "string") return effect;
      if (typeof source === "string") return source;
      const durationSecs = effect.lengthOf(source.durationSecs);
      if (typeof durationSecs === "string") return durationSecs;
      return { durationSecs, title: titleOr(request.args.output_title, `${source.title} (${effect.word})`) };
    },
    sourceId,
  );
}

/**
 * `audio__convert_format { track_id, output_title, output_format: { extension } }` → `{ result_clip_id }`; "fails on
 * effect-made clips" (the stream's tool_call_failure). The free way is the download endpoint's `?format=`.
 */
export function convertFormat(
  context: FlowContext,
  c: Context,
  request: ToolCallRequest,
): Response | Promise<Response> {
  const { args } = request;
  const extension = isNode(args.output_format) ? args.output_format.extension : undefined;
  return makeResultClip(
    context,
    c,
    request,
    (source) => {
      if (typeof source === "string") return source;
      if (source.effectMade) return "an effect-made clip cannot be converted";
      if (!["mp3", "wav", "m4a"].includes(String(extension))) return `unsupported extension ${String(extension)}`;
      return {
        durationSecs: source.durationSecs,
        title: titleOr(args.output_title, `${source.title} (${String(extension)})`),
      };
    },
    args.track_id,
  );
}
