import { z } from "zod";

/** Where the OpenAI-compatible API lives, beside the daemon's own `/v1`. */
export const OPENAI_PREFIX = "/openai/v1";

/** The model id that means "the site profile's default model". */
export const DEFAULT_MODEL_ID = "producer";

export const isOpenAIPath = (path: string) => path === OPENAI_PREFIX || path.startsWith(`${OPENAI_PREFIX}/`);

const textPart = z.looseObject({ type: z.string(), text: z.string().optional() });

/**
 * A chat completion request as OpenAI clients send it. Fields this endpoint has no use for (temperature, tools,
 * …) are accepted and ignored, so a client's defaults never fail a request; `max_wait` (seconds) is our own.
 */
export const chatCompletionRequestSchema = z.looseObject({
  model: z.string().min(1).max(200).optional(),
  messages: z
    .array(
      z.looseObject({
        role: z.string(),
        content: z.union([z.string(), z.array(textPart), z.null()]).optional(),
      }),
    )
    .min(1, "must hold at least one message"),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  user: z.string().max(200).nullish(),
  max_wait: z.number().int().min(0).max(3600).nullish(),
});

export type ChatCompletionRequest = z.output<typeof chatCompletionRequestSchema>;

/** What a completion carries besides OpenAI's fields: the job, and each song's URL and facts, for programs. */
export interface ProducerExtension {
  jobId: string;
  status: string;
  completed: boolean;
  jobUrl: string;
  tracks: Array<{
    id: string;
    title: string;
    url: string;
    format: string;
    durationSecs: number;
    sizeBytes: number;
    sha256: string;
  }>;
}

const usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };

/** A whole (non-streamed) `chat.completion` answering with `content`. */
export function chatCompletion(options: { id: string; model: string; content: string; producer: ProducerExtension }) {
  return {
    id: options.id,
    object: "chat.completion" as const,
    created: Math.floor(Date.now() / 1000),
    model: options.model,
    choices: [
      {
        index: 0,
        message: { role: "assistant" as const, content: options.content, refusal: null },
        logprobs: null,
        finish_reason: "stop" as const,
      },
    ],
    usage,
    producer: options.producer,
  };
}

/** One `chat.completion.chunk` of a stream: a content delta, the role first, or the end (`finish_reason`). */
export function chatCompletionChunk(options: {
  id: string;
  model: string;
  delta: { role?: "assistant"; content?: string };
  finishReason?: "stop";
  producer?: ProducerExtension;
}) {
  return {
    id: options.id,
    object: "chat.completion.chunk" as const,
    created: Math.floor(Date.now() / 1000),
    model: options.model,
    choices: [{ index: 0, delta: options.delta, logprobs: null, finish_reason: options.finishReason ?? null }],
    ...(options.producer ? { producer: options.producer } : {}),
  };
}

/** The usage chunk a stream ends with when `stream_options.include_usage` asks for it: songs cost no tokens. */
export const usageChunk = (id: string, model: string) => ({
  id,
  object: "chat.completion.chunk" as const,
  created: Math.floor(Date.now() / 1000),
  model,
  choices: [],
  usage,
});

function errorType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

/**
 * A failure in OpenAI's error shape: `code` is ours (`INVALID_INPUT`, `QUEUE_FULL`, …), `param` the first
 * failing field, `type` OpenAI's name for the status.
 */
export function openAIError(
  failure: { code: string; retryable: boolean; details?: Record<string, unknown> },
  message: string,
  status: number,
) {
  const fields = failure.details?.fields;
  const first = Array.isArray(fields) ? (fields[0] as { path?: unknown } | undefined) : undefined;
  const param = typeof first?.path === "string" && first.path !== "" ? first.path : null;
  return { error: { message, type: errorType(status), param, code: failure.code, retryable: failure.retryable } };
}
