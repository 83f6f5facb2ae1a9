import { Hono } from "hono";
import { NotFoundError, TimeoutError } from "@producer/utils";
import type { AppDeps, AppEnv } from "../app-deps.js";
import { statusForCode } from "../error-boundary.js";
import { parseWith, readJson } from "../request-input.js";
import { requestSource } from "../request-source.js";
import { generationInput } from "./prompt.js";
import { modelList } from "./models.js";
import { chatCompletion, chatCompletionRequestSchema, DEFAULT_MODEL_ID, OPENAI_PREFIX } from "./shapes.js";
import { producerExtension, songsMarkdown, stillRunningText } from "./songs.js";
import { jobFailure, streamCompletion } from "./stream.js";

/**
 * How long a non-streamed completion waits for its songs when the request names no `max_wait`: under the
 * official clients' own 10-minute timeout, past which they would give up and send the request again.
 */
export const DEFAULT_MAX_WAIT_SECS = 300;

/**
 * The OpenAI-compatible API (`/openai/v1`): chat front-ends, agent frameworks and SDKs make songs through
 * `chat/completions` with the daemon's token as their API key.
 */
export function openAIRoutes(
  deps: Pick<AppDeps, "config" | "service">,
  redact: (value: unknown) => unknown,
): Hono<AppEnv> {
  const { config, service } = deps;
  const routes = new Hono<AppEnv>();

  routes.get(`${OPENAI_PREFIX}/models`, async (c) => c.json(await modelList(config.site, service, c.get("logger"))));

  routes.post(`${OPENAI_PREFIX}/chat/completions`, async (c) => {
    const request = parseWith(chatCompletionRequestSchema, await readJson(c), "request body");
    const requestKey = c.req.header("idempotency-key") ?? c.req.header("x-request-id");
    const input = generationInput(request, { requestKey });
    const queued = await service.generateMusic(input);
    const origin = new URL(c.req.url).origin;
    const model = request.model ?? DEFAULT_MODEL_ID;
    const id = `chatcmpl-${queued.jobId}`;
    const tcp = requestSource(c).transport === "tcp";
    const redactFor = tcp ? redact : (value: unknown) => value;
    c.header("location", `/v1/generations/${queued.jobId}`);
    if (request.stream) {
      const includeUsage = request.stream_options?.include_usage === true;
      const fresh = queued.status === "queued" && "reused" in queued && !queued.reused;
      const queuedPosition = fresh ? queued.position : undefined;
      return streamCompletion(c, service, {
        ...{ id, model, jobId: queued.jobId, origin, includeUsage, redact: redactFor },
        ...(queuedPosition !== undefined ? { queuedPosition } : {}),
      });
    }

    const waitMs = (request.max_wait ?? DEFAULT_MAX_WAIT_SECS) * 1000;
    let job = await service.getJob(queued.jobId);
    try {
      if (waitMs > 0) job = await service.waitForJob(queued.jobId, { timeoutMs: waitMs, signal: c.req.raw.signal });
    } catch (error) {
      if (!TimeoutError.isInstance(error)) throw error;
      job = await service.getJob(queued.jobId);
    }
    if (job.status === "failed" || job.status === "cancelled") {
      const failure = jobFailure(job);
      return c.json(failure, statusForCode(failure.error.code), { "x-should-retry": "false" });
    }
    const producer = producerExtension(job, origin);
    const content = job.status === "succeeded" ? songsMarkdown(producer) : stillRunningText(producer);
    return c.json(chatCompletion({ id, model, content, producer }), job.status === "succeeded" ? 200 : 202);
  });

  // Anything else under the prefix answers in OpenAI's error shape too, not the daemon's.
  routes.all(`${OPENAI_PREFIX}/*`, (c) => {
    throw new NotFoundError(`No route ${c.req.method} ${c.req.path} in the OpenAI-compatible API.`);
  });
  return routes;
}
