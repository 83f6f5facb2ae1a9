import { createHash } from "node:crypto";
import type { GenerateMusicInput } from "@producer/core";
import { InvalidInputError } from "@producer/utils";
import { type ChatCompletionRequest, DEFAULT_MODEL_ID } from "./shapes.js";

type Message = ChatCompletionRequest["messages"][number];

const messageText = (message: Message): string =>
  typeof message.content === "string"
    ? message.content
    : (message.content ?? [])
        .filter((part) => part.type === "text" && typeof part.text === "string")
        .map((part) => part.text)
        .join("\n");

/**
 * The last user message's fields: a JSON object of generation fields (`{"prompt": …, "bpm": 120}`), or its
 * text as the prompt. The service checks either with the same rules as `POST /v1/generations`.
 */
function messageFields(request: ChatCompletionRequest): Record<string, unknown> {
  const last = request.messages.findLast((message) => message.role === "user");
  if (!last)
    throw new InvalidInputError("The messages hold no user message to take the prompt from.", [
      { path: "messages", message: "must hold a message with role user" },
    ]);
  const text = messageText(last).trim();
  if (text.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Words that happen to start with a brace are a prompt.
      return { prompt: text };
    }
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  }
  return { prompt: text };
}

/**
 * A retry of the same request (same `user`, same `Idempotency-Key` or `X-Request-Id`) finds the job the first
 * one queued instead of generating again. Hashed, so any header length fits the key's limit.
 */
function idempotencyKeyOf(user: string | null | undefined, requestKey: string | undefined): string | undefined {
  if (!requestKey) return undefined;
  const digest = createHash("sha256")
    .update(`${user ?? ""}\n${requestKey}`)
    .digest("base64url");
  return `openai:${digest}`;
}

/** What a chat completion request asks the service for: always a queued job. */
export function generationInput(
  request: ChatCompletionRequest,
  options: { requestKey: string | undefined },
): GenerateMusicInput {
  const fields = messageFields(request);
  // `producer` is the site's default model; any other is checked by the service as a generation's `model` is.
  const model = "model" in fields || request.model === DEFAULT_MODEL_ID ? undefined : request.model;
  const idempotencyKey = "idempotencyKey" in fields ? undefined : idempotencyKeyOf(request.user, options.requestKey);
  return {
    ...(fields as GenerateMusicInput),
    ...(model ? { model } : {}),
    ...(idempotencyKey ? { idempotencyKey } : {}),
    useQueue: true,
  };
}
