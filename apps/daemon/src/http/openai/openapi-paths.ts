import { z } from "zod";
import { errorResponse } from "../openapi-parts.js";
import { chatCompletionRequestSchema, OPENAI_PREFIX } from "./shapes.js";

const openAIErrorSchema = {
  type: "object",
  properties: {
    error: {
      type: "object",
      properties: {
        message: { type: "string" },
        type: { type: "string", description: "OpenAI's name for the status: invalid_request_error, …" },
        param: { type: ["string", "null"], description: "The first failing field." },
        code: { type: "string", description: "The daemon's stable code: INVALID_INPUT, UNAUTHORIZED, QUEUE_FULL, …" },
        retryable: { type: "boolean" },
      },
      required: ["message", "type", "param", "code"],
    },
  },
};

const failure = (description: string) => errorResponse(description, openAIErrorSchema);

/** The OpenAI-compatible endpoint's paths, for the daemon's OpenAPI document. */
export function openAIPaths(): Record<string, unknown> {
  return {
    [`${OPENAI_PREFIX}/models`]: {
      get: {
        summary: "OpenAI-compatible: the models (`producer`, the site's default, then the site's own)",
        responses: {
          "200": { description: '{ object: "list", data: [{ id, object: "model", created, owned_by }] }' },
          "401": failure("No token, or not the daemon's."),
        },
      },
    },
    [`${OPENAI_PREFIX}/chat/completions`]: {
      post: {
        summary: "OpenAI-compatible: make songs from the last user message (its text, or a JSON object of fields)",
        description:
          "The last user message is the prompt, or a JSON object of POST /v1/generations fields. The job is queued. With stream: true the answer is Server-Sent Events of chat.completion.chunk (progress as content deltas, then the songs as markdown links to /v1/tracks/{id}/audio) ending in [DONE]; a failed job ends the stream with an { error } event. Without it the answer waits up to max_wait seconds (300 by default): 200 with the songs, or 202 with the job id and a link to follow it. `user` with an Idempotency-Key or X-Request-Id header makes a retry find the same job.",
        parameters: [
          { name: "Idempotency-Key", in: "header", required: false, schema: { type: "string" } },
          { name: "X-Request-Id", in: "header", required: false, schema: { type: "string" } },
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: z.toJSONSchema(chatCompletionRequestSchema, { io: "input", unrepresentable: "any" }),
            },
          },
        },
        responses: {
          "200": { description: "A chat.completion with the songs, or (stream) text/event-stream of chunks." },
          "202": { description: "A chat.completion naming the job still running past max_wait." },
          "400": failure("Invalid body or generation fields: our code, the first failing field as param."),
          "401": failure("No token, or not the daemon's."),
          "429": failure("The queue is full; see Retry-After."),
          "502": failure("The job failed on the site (its code, e.g. GENERATION_FAILED)."),
        },
      },
    },
  };
}
