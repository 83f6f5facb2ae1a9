import type { Site } from "../site.js";

/** The node types a profile gives for recipes and effect graphs (`toolCalls.nodes`). */
export type ToolCallNodes = NonNullable<Site["toolCalls"]>["nodes"];

/** What an operation's plan is built from: the profile's node types, the source clip, the title to give. */
export interface PlanInput {
  nodes: ToolCallNodes;
  clipId: string;
  title: string;
}

/**
 * What one operation sends: an optional recipe made first (`api.recipes`, it makes nothing by itself), then one
 * tool call — the paid one — whose tool-return names the new clips.
 */
export interface OperationPlan {
  /** The profile's tool (`tools.<key>`) the call names. */
  tool: "renderEdit" | "applyEffect" | "splitStems";
  /** The body of `POST api.recipes` (`{ recipe }`), when the tool renders a recipe. */
  recipe?: Record<string, unknown>;
  /** The tool's arguments; `recipeId` is the made recipe's id. */
  args(recipeId: string | undefined): Record<string, unknown>;
}

/**
 * An edit (extend, replace, cover) as a recipe rendered by `audio__render_edit`: the nodes Input → the edit →
 * Output, linked by ids, and the edit's instruction beside them.
 */
export function editPlan(input: PlanInput, edit: Record<string, unknown>, instruction: string | null): OperationPlan {
  const { nodes, clipId, title } = input;
  return {
    tool: "renderEdit",
    recipe: {
      recipe: {
        nodes: [
          { node_type: nodes.input, clip_id: clipId, input_ids: [], output_ids: ["input"] },
          { ...edit, input_ids: ["input"], output_ids: ["processing"] },
          {
            node_type: nodes.output,
            input_ids: ["processing"],
            output_ids: ["output"],
            title,
            generate_image: false,
          },
        ],
        instruction,
      },
    },
    args: (recipeId) => ({ recipe_id: recipeId, title, image_id: null }),
  };
}

/** An effect (trim, tempo) as a graph applied by `audio__apply_effect`: Input → the effect → Output; no recipe. */
export function effectPlan(input: PlanInput, effect: Record<string, unknown> & { node_id: string }): OperationPlan {
  const { nodes, clipId, title } = input;
  return {
    tool: "applyEffect",
    args: () => ({
      graph: [
        { node_type: nodes.input, node_id: "input", track_id: clipId },
        { ...effect, input_ids: ["input"] },
        { node_type: nodes.output, input_ids: [effect.node_id] },
      ],
      output_title: title,
    }),
  };
}
