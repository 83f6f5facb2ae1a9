import type { SongOperation } from "@producer/utils";
import { editPlan, type OperationPlan, type PlanInput } from "./operation-plan.js";

/**
 * Extend: a recipe with an `ExtendSection` node (`extend_s` seconds added from `extend_from_s`, null = the
 * end), rendered by `audio__render_edit`. Comes back: the new, longer clip(s) of `clip_outputs` (or `clip_id`);
 * the source is kept.
 */
export function extendPlan(operation: Extract<SongOperation, { kind: "extend" }>, input: PlanInput): OperationPlan {
  const instruction = operation.prompt ?? "";
  return editPlan(
    input,
    {
      node_type: input.nodes.extend,
      instruction,
      extend_s: operation.seconds,
      extend_from_s: operation.fromSecs ?? null,
      seed: operation.seed ?? null,
    },
    instruction,
  );
}
