import type { SongOperation } from "@producer/utils";
import { editPlan, type OperationPlan, type PlanInput } from "./operation-plan.js";

/**
 * Replace: a recipe with a `ReplaceSection` node whose `masks` are the regions to redo (the rest is kept),
 * rendered by `audio__render_edit`. Comes back: the new clip(s) of `clip_outputs` (or `clip_id`).
 */
export function replacePlan(operation: Extract<SongOperation, { kind: "replace" }>, input: PlanInput): OperationPlan {
  return editPlan(
    input,
    {
      node_type: input.nodes.replace,
      instruction: operation.prompt,
      masks: operation.regions.map((region) => ({ start_s: region.startSecs, end_s: region.endSecs })),
      seed: operation.seed ?? null,
    },
    operation.prompt,
  );
}
