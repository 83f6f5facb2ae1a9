import { type AnswerShape, fieldOf } from "@producer/config";

/** One way an answer differs from its declared shape. `field` is a path: `clips.*.duration.status`, `stems[].clip_id`. */
export interface ShapeDifference {
  field: string;
  kind: "unknown" | "missing";
  /** A missing field the driver cannot work without (declared `name!`). */
  needed: boolean;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Items of one array looked at: drift shows in the first few, and a listing of hundreds costs no more. */
const ITEMS_LOOKED_AT = 5;

/**
 * How `answer` differs from `shape`: each name it carries that the shape does not list, and each name the shape
 * expects that it lacks, once per field path (the items of an array or of an id-keyed object share one path).
 * Values that are not objects are not looked into.
 */
export function shapeDifferences(shape: AnswerShape, answer: unknown): ShapeDifference[] {
  const found = new Map<string, ShapeDifference>();
  visit(shape, answer, "", found);
  return [...found.values()];
}

function visit(shape: AnswerShape, value: unknown, path: string, found: Map<string, ShapeDifference>): void {
  if (shape === true) return;
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return;
    for (const item of value.slice(0, ITEMS_LOOKED_AT)) visit(shape[0] as AnswerShape, item, `${path}[]`, found);
    return;
  }
  if (!isObject(value)) return;
  const fields = shape as Record<string, AnswerShape>;
  const each = fields["*"];
  if (each !== undefined) {
    for (const item of Object.values(value).slice(0, ITEMS_LOOKED_AT)) visit(each, item, `${path}.*`, found);
    return;
  }
  const known = new Set<string>();
  for (const [declared, inner] of Object.entries(fields)) {
    const { name, presence } = fieldOf(declared);
    known.add(name);
    const field = join(path, name);
    if (name in value) visit(inner, value[name], field, found);
    else if (presence !== "optional")
      found.set(`missing ${field}`, { field, kind: "missing", needed: presence === "needed" });
  }
  for (const name of Object.keys(value)) {
    const field = join(path, name);
    if (!known.has(name)) found.set(`unknown ${field}`, { field, kind: "unknown", needed: false });
  }
}

const join = (path: string, name: string) => (path ? `${path}.${name}` : name);
