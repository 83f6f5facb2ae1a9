import type { Context } from "hono";
import type { z } from "zod";
import { issuesToFields } from "@producer/core";
import { InvalidInputError } from "@producer/utils";

/** `value` as `schema` reads it, or an INVALID_INPUT naming `what` and each failing field. */
export function parseWith<Schema extends z.ZodType>(schema: Schema, value: unknown, what: string): z.output<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const fields = issuesToFields(result.error.issues);
    throw new InvalidInputError(
      `Invalid ${what}: ${[...new Set(fields.map((field) => field.path || what))].join(", ")}.`,
      fields,
    );
  }
  return result.data;
}

/** The request's body as JSON, sent as such and in UTF-8; anything else is refused, never guessed at. */
export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new InvalidInputError("Send the body as JSON (content-type: application/json).", [
      { path: "", message: "content-type must be application/json" },
    ]);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(await c.req.arrayBuffer());
  } catch {
    // Replacement characters would reach the site in a prompt; the sender's bytes are wrong, so it hears so.
    throw new InvalidInputError("The body is not valid UTF-8.", [{ path: "", message: "invalid UTF-8" }]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InvalidInputError("The body is not valid JSON.", [{ path: "", message: "invalid JSON" }]);
  }
}
