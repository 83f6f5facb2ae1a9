import type { OperationPlan, PlanInput } from "./operation-plan.js";

/**
 * Stems: the tool call `audio__split_stems { clip_id }`, no recipe. Comes back: `stems: [{ stem_type, clip_id }]`,
 * one clip per part (vocals, drums, bass, other), each a song of its own linked to the source.
 */
export function stemsPlan(input: PlanInput): OperationPlan {
  return { tool: "splitStems", args: () => ({ clip_id: input.clipId }) };
}
