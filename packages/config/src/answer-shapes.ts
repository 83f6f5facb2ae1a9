import { z } from "zod";

/**
 * The fields one JSON answer of the site is known to carry, written compactly:
 *
 * - an object lists its fields: a plain name is expected in every answer, `name?` may be absent (a field the
 *   public clients disagree on), `name!` is expected and the driver cannot work without it;
 * - a field's value is `true` (any value, not looked into), an object of its own fields, `[item]` (an array whose
 *   every item has the shape `item`), or `{ "*": item }` (an object keyed by ids, every value of shape `item`).
 *
 * A value that is not an object (`null`, a string) is not looked into: only absent and unexpected names count.
 */
export type AnswerShape = true | readonly AnswerShape[] | { readonly [field: string]: AnswerShape };

const FIELD_NAME = /^(\*|[^?!*\s][^?!\s]*[?!]?)$/;

export const answerShapeSchema: z.ZodType<AnswerShape> = z.lazy(() =>
  z.union([
    z.literal(true),
    z.array(answerShapeSchema).length(1, "one item shape: [item]"),
    z.record(
      z.string().regex(FIELD_NAME, "a field name, name? (may be absent), name! (needed) or *"),
      answerShapeSchema,
    ),
  ]),
);

/**
 * What each answer the driver reads should look like, so that a renamed or new field is seen before it breaks a
 * job: `api` by the profile's API key (`clips`, `status`, `credits`, …), `toolReturns` by tool name (the content
 * of a message stream's tool-return part).
 */
export const answerShapesSchema = z.strictObject({
  api: z.record(z.string(), answerShapeSchema).default({}),
  toolReturns: z.record(z.string(), answerShapeSchema).default({}),
});
export type AnswerShapes = z.output<typeof answerShapesSchema>;

/** A declared field name split into the name an answer carries and how much it is expected. */
export function fieldOf(declared: string): { name: string; presence: "required" | "optional" | "needed" } {
  if (declared.endsWith("?")) return { name: declared.slice(0, -1), presence: "optional" };
  if (declared.endsWith("!")) return { name: declared.slice(0, -1), presence: "needed" };
  return { name: declared, presence: "required" };
}
