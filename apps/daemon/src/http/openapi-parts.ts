import { trackIdSchema } from "@producer/core";
import { z } from "zod";
import { jobIdParamSchema } from "./schemas.js";

/** A zod schema as the JSON Schema (2020-12, the dialect of OpenAPI 3.1) of what a request may send. */
export function json(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
    target: "draft-2020-12",
  }) as Record<string, unknown>;
  return rest;
}

export const errorSchema = {
  type: "object",
  properties: {
    error: {
      type: "object",
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        retryable: { type: "boolean" },
        details: { type: "object" },
      },
      required: ["code", "message", "retryable"],
    },
    requestId: { type: "string" },
  },
};

/** Each field of a query schema as an optional query parameter with its own JSON Schema. */
export function queryParameters(schema: z.ZodObject) {
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: "query",
    required: false,
    schema: json(field as z.ZodType),
  }));
}

/** A path with one operation whose only documented answer is a 200. */
export const answers = (method: "get" | "post", summary: string, description: string) => ({
  [method]: { summary, responses: { "200": { description } } },
});

/** A `{name}` segment of the path, described by the schema the route checks it with (any string by default). */
export const pathParameter = (name: string, schema: z.ZodType = z.string()) => ({
  name,
  in: "path",
  required: true,
  schema: json(schema),
});

export const idParameter = pathParameter("id");
/** `{id}` of a job: a UUID, as the job routes check it. */
export const jobIdParameter = pathParameter("id", jobIdParamSchema);
/** `{id}` of a track: a UUID, as the track routes check it. */
export const trackIdParameter = pathParameter("id", trackIdSchema);

/** An error answer: the daemon's `Error` body, or the body `schema` gives (the OpenAI-compatible endpoint's own). */
export const errorResponse = (description: string, schema: object = { $ref: "#/components/schemas/Error" }) => ({
  description,
  content: { "application/json": { schema } },
});

/** A JSON request body that refers to a schema of `components.schemas`. */
export const jsonBody = (component: string, required = true) => ({
  required,
  content: { "application/json": { schema: { $ref: `#/components/schemas/${component}` } } },
});

/** Anyone may call it: no token, no cookie. */
export const open = { security: [] };
