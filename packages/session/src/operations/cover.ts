import type { SongOperation } from "@producer/utils";
import { editPlan, type OperationPlan, type PlanInput } from "./operation-plan.js";

/** The site's default strength of a cover (0–1; low keeps more of the original). */
const DEFAULT_STRENGTH = 0.5;

/**
 * Cover: a recipe with a `CoverSong` node (`strength` 0–1), rendered by `audio__render_edit`. Comes back: the
 * new version(s) of `clip_outputs` (or `clip_id`).
 */
export function coverPlan(operation: Extract<SongOperation, { kind: "cover" }>, input: PlanInput): OperationPlan {
  return editPlan(
    input,
    {
      node_type: input.nodes.cover,
      instruction: operation.prompt,
      strength: operation.strength ?? DEFAULT_STRENGTH,
      seed: operation.seed ?? null,
    },
    operation.prompt,
  );
}
