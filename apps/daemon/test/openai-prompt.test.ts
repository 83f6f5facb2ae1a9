import { describe, expect, it } from "vitest";
import { generationInput } from "../src/http/openai/prompt.js";
import { chatCompletionRequestSchema } from "../src/http/openai/shapes.js";

const request = (body: unknown) => chatCompletionRequestSchema.parse(body);
const ask = (body: unknown, requestKey?: string) => generationInput(request(body), { requestKey });

describe("a chat completion request as a generation", () => {
  it("takes the last user message, in text or in text parts, as the prompt; always queued", () => {
    const messages = [
      { role: "user", content: "an old idea" },
      { role: "assistant", content: "Made 2 songs" },
      { role: "user", content: [{ type: "text", text: "A calm piano piece" }, { type: "image_url" }] },
      { role: "system", content: "after the user" },
    ];
    expect(ask({ model: "producer", messages })).toEqual({ prompt: "A calm piano piece", useQueue: true });
  });

  it("reads a JSON object as generation fields, and words that start with a brace as a prompt", () => {
    const fields = { prompt: "Synth", bpm: 124, useQueue: false };
    expect(ask({ messages: [{ role: "user", content: JSON.stringify(fields) }] })).toEqual({
      prompt: "Synth",
      bpm: 124,
      useQueue: true,
    });
    expect(ask({ messages: [{ role: "user", content: "{braces} in a title" }] })).toEqual({
      prompt: "{braces} in a title",
      useQueue: true,
    });
  });

  it("passes a model other than producer to the generation; the message's own model wins", () => {
    expect(ask({ model: "lyria-3-pro", messages: [{ role: "user", content: "x" }] }).model).toBe("lyria-3-pro");
    const own = JSON.stringify({ prompt: "x", model: "lyria-3.5" });
    expect(ask({ model: "lyria-3-pro", messages: [{ role: "user", content: own }] }).model).toBe("lyria-3.5");
  });

  it("keys a request by user and request id: the same pair the same key, another user another", () => {
    const body = (user: string) => ({ user, messages: [{ role: "user", content: "x" }] });
    const first = ask(body("a"), "request-1").idempotencyKey;
    expect(first).toMatch(/^openai:/);
    expect(ask(body("a"), "request-1").idempotencyKey).toBe(first);
    expect(ask(body("b"), "request-1").idempotencyKey).not.toBe(first);
    expect(ask(body("a")).idempotencyKey).toBeUndefined();
  });

  it("refuses messages with no user message, naming messages", () => {
    expect(() => ask({ messages: [{ role: "system", content: "x" }] })).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT" }),
    );
  });
});
