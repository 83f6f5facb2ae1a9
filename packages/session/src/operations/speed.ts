import type { SongOperation } from "@producer/utils";
import { effectPlan, type OperationPlan, type PlanInput } from "./operation-plan.js";

/**
 * Speed: an `audio__apply_effect` graph with a `TempoShift` node (`speed` 1 = same, `semitones` 0 = same).
 * Comes back: one new clip, `result_clip_id`.
 */
export function speedPlan(operation: Extract<SongOperation, { kind: "speed" }>, input: PlanInput): OperationPlan {
  return effectPlan(input, {
    node_type: input.nodes.speed,
    node_id: "fx",
    speed: operation.factor,
    semitones: operation.semitones ?? 0,
  });
}
