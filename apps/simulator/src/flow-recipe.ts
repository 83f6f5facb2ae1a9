import { randomUUID } from "node:crypto";
import type { Context } from "hono";
import type { FlowContext } from "./flow-context.js";

/** An edit a recipe holds between its Input and Output nodes, with the fields the facts give each. */
export type EditNode =
  | {
      node_type: "ExtendSection";
      instruction: string | null;
      extend_s: number;
      extend_from_s: number | null;
      seed: number | null;
    }
  | {
      node_type: "ReplaceSection";
      instruction: string | null;
      masks: Array<{ start_s: number; end_s: number }>;
      seed: number | null;
    }
  | { node_type: "CoverSong"; instruction: string | null; strength: number; seed: number | null };

/** A recipe as `POST /__api/recipes/create` keeps it: the source clip, the edit, and the Output node's title. */
export interface FlowRecipe {
  id: string;
  account: string;
  sourceClipId: string;
  edit: EditNode;
  instruction: string | null;
  outputTitle: string | null;
  createdAt: number;
}

/** One entry of FastAPI's 422 `detail` list (pydantic v2's error shape). */
interface FastApiError {
  type: string;
  loc: Array<string | number>;
  msg: string;
  input: unknown;
}

type Kind = "string" | "number" | "integer" | "array" | "boolean";
/** A field: its kind, whether it may be null, whether the key may be left out. */
type FieldRule = { kind: Kind; nullable?: boolean; optional?: boolean };

const LINKS: Record<string, FieldRule> = { input_ids: { kind: "array" }, output_ids: { kind: "array" } };
const SEED: FieldRule = { kind: "integer", nullable: true, optional: true };
const INSTRUCTION: FieldRule = { kind: "string", nullable: true };
/** The node types the facts name, and each one's fields (the links are every node's). */
const NODE_FIELDS: Record<string, Record<string, FieldRule>> = {
  Input: { clip_id: { kind: "string" }, ...LINKS },
  Output: {
    ...LINKS,
    title: { kind: "string", nullable: true, optional: true },
    generate_image: { kind: "boolean", optional: true },
  },
  ExtendSection: {
    ...LINKS,
    instruction: INSTRUCTION,
    extend_s: { kind: "number" },
    extend_from_s: { kind: "number", nullable: true, optional: true },
    seed: SEED,
  },
  ReplaceSection: { ...LINKS, instruction: INSTRUCTION, masks: { kind: "array" }, seed: SEED },
  CoverSong: { ...LINKS, instruction: INSTRUCTION, strength: { kind: "number", optional: true }, seed: SEED },
};
const EDIT_TYPES = ["ExtendSection", "ReplaceSection", "CoverSong"];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** pydantic's words for a value of the wrong kind. */
const WRONG_KIND: Record<Kind, { type: string; msg: string }> = {
  string: { type: "string_type", msg: "Input should be a valid string" },
  number: { type: "float_type", msg: "Input should be a valid number" },
  integer: { type: "int_type", msg: "Input should be a valid integer" },
  array: { type: "list_type", msg: "Input should be a valid list" },
  boolean: { type: "bool_type", msg: "Input should be a valid boolean" },
};

function fits(kind: Kind, value: unknown): boolean {
  if (kind === "array") return Array.isArray(value);
  if (kind === "integer") return Number.isInteger(value);
  if (kind === "number") return typeof value === "number" && Number.isFinite(value);
  return typeof value === kind;
}

function checkFields(
  where: Array<string | number>,
  object: Record<string, unknown>,
  rules: Record<string, FieldRule>,
  errors: FastApiError[],
) {
  for (const [key, rule] of Object.entries(rules)) {
    const value = object[key];
    if (value === undefined) {
      if (!rule.optional) errors.push({ type: "missing", loc: [...where, key], msg: "Field required", input: object });
    } else if (!(value === null && rule.nullable) && !fits(rule.kind, value))
      errors.push({ ...WRONG_KIND[rule.kind], loc: [...where, key], input: value });
  }
}

/** Each node's own fields, by its `node_type` (a tagged union, as pydantic checks one). */
function checkNode(index: number, node: unknown, errors: FastApiError[]) {
  const where = ["body", "recipe", "nodes", index];
  if (!isRecord(node)) {
    errors.push({ type: "model_attributes_type", loc: where, msg: "Input should be a valid dictionary", input: node });
    return;
  }
  const rules = typeof node.node_type === "string" ? NODE_FIELDS[node.node_type] : undefined;
  if (node.node_type === undefined)
    errors.push({
      type: "union_tag_not_found",
      loc: where,
      msg: "Unable to extract tag using discriminator 'node_type'",
      input: node,
    });
  else if (!rules)
    errors.push({
      type: "union_tag_invalid",
      loc: where,
      msg: `Input tag '${String(node.node_type)}' found using 'node_type' does not match any of the expected tags: ${Object.keys(
        NODE_FIELDS,
      )
        .map((tag) => `'${tag}'`)
        .join(", ")}`,
      input: node,
    });
  else checkFields([...where, node.node_type as string], node, rules, errors);
  if (node.node_type === "ReplaceSection" && Array.isArray(node.masks))
    node.masks.forEach((mask, maskIndex) => {
      const maskWhere = [...where, "ReplaceSection", "masks", maskIndex];
      if (isRecord(mask))
        checkFields(maskWhere, mask, { start_s: { kind: "number" }, end_s: { kind: "number" } }, errors);
      else errors.push({ type: "model_type", loc: maskWhere, msg: "Input should be a valid dictionary", input: mask });
    });
}

/** The one shape the facts give a recipe: Input → edit → Output, linked "input" → "processing" → Output. */
function checkGraph(nodes: Array<Record<string, unknown>>, errors: FastApiError[]) {
  const [input, edit, output] = nodes;
  const ids = (value: unknown) => JSON.stringify(value);
  const linked =
    nodes.length === 3 &&
    input?.node_type === "Input" &&
    EDIT_TYPES.includes(String(edit?.node_type)) &&
    output?.node_type === "Output" &&
    ids(input.output_ids) === ids(edit?.input_ids) &&
    ids(edit?.output_ids) === ids(output.input_ids);
  if (!linked)
    errors.push({
      type: "value_error",
      loc: ["body", "recipe", "nodes"],
      msg: "Value error, a recipe is an Input node, one edit node and an Output node, linked by their ids",
      input: nodes,
    });
}

/** The recipe in a body, or FastAPI's 422 errors for it. */
export function parseRecipe(
  body: unknown,
): { recipe: Omit<FlowRecipe, "id" | "account" | "createdAt"> } | { errors: FastApiError[] } {
  const errors: FastApiError[] = [];
  const recipe = isRecord(body) ? body.recipe : undefined;
  if (!isRecord(body) || recipe === undefined)
    return { errors: [{ type: "missing", loc: ["body", "recipe"], msg: "Field required", input: body ?? null }] };
  if (!isRecord(recipe))
    return {
      errors: [
        {
          type: "model_attributes_type",
          loc: ["body", "recipe"],
          msg: "Input should be a valid dictionary",
          input: recipe,
        },
      ],
    };
  checkFields(
    ["body", "recipe"],
    recipe,
    { nodes: { kind: "array" }, instruction: { kind: "string", nullable: true, optional: true } },
    errors,
  );
  const nodes = Array.isArray(recipe.nodes) ? (recipe.nodes as unknown[]) : [];
  for (const [index, node] of nodes.entries()) checkNode(index, node, errors);
  if (errors.length === 0) checkGraph(nodes as Array<Record<string, unknown>>, errors);
  if (errors.length > 0) return { errors };
  const [input, edit, output] = nodes as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
  return {
    recipe: {
      sourceClipId: input.clip_id as string,
      edit: {
        ...edit,
        seed: (edit.seed as number | null | undefined) ?? null,
        ...(edit.node_type === "ExtendSection" ? { extend_from_s: edit.extend_from_s ?? null } : {}),
        // "CoverSong { instruction, strength, seed }: 0–1, default 0.5".
        ...(edit.node_type === "CoverSong" ? { strength: edit.strength ?? 0.5 } : {}),
      } as EditNode,
      instruction: (recipe.instruction as string | null | undefined) ?? null,
      outputTitle: (output.title as string | null | undefined) ?? null,
    },
  };
}

/**
 * `POST /__api/recipes/create { recipe: { nodes, instruction } }` → `{ recipe_id }`; a body the schema refuses (or the
 * `recipe-refused` fault) → 422 `{ detail: [...] }` as FastAPI sends it. Making a recipe costs nothing.
 */
export async function createRecipe(context: FlowContext, c: Context, account: string): Promise<Response> {
  const body: unknown = await c.req.json().catch(() => undefined);
  const stats = context.stats();
  const parsed = parseRecipe(body);
  if (context.faults.fire("recipe-refused")) {
    stats.operationFaults["recipe-refused"] = (stats.operationFaults["recipe-refused"] ?? 0) + 1;
    stats.recipesRefused += 1;
    return c.json(
      {
        detail: [
          { type: "missing", loc: ["body", "recipe", "nodes", 1, "seed"], msg: "Field required", input: body ?? null },
        ],
      },
      422,
    );
  }
  if ("errors" in parsed) {
    stats.recipesRefused += 1;
    return c.json({ detail: parsed.errors }, 422);
  }
  const recipe: FlowRecipe = { ...parsed.recipe, id: randomUUID(), account, createdAt: Date.now() };
  context.store.recipes.set(recipe.id, recipe);
  stats.recipes += 1;
  return c.json({ recipe_id: recipe.id });
}
