import type { SongOperation } from "@producer/utils";
import { effectPlan, type OperationPlan, type PlanInput } from "./operation-plan.js";

/**
 * Trim: an `audio__apply_effect` graph with a `Trim` node keeping `start_s`–`end_s`. Comes back: one new clip,
 * `result_clip_id`.
 */
export function trimPlan(operation: Extract<SongOperation, { kind: "trim" }>, input: PlanInput): OperationPlan {
  return effectPlan(input, {
    node_type: input.nodes.trim,
    node_id: "trim",
    start_s: operation.startSecs,
    end_s: operation.endSecs,
  });
}
