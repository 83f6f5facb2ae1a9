import { Hono, type Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { AppDeps, AppEnv } from "../app-deps.js";
import { parseWith, readJson } from "../request-input.js";
import { requestSource } from "../request-source.js";
import { answerSubmission } from "../submission-answer.js";
import {
  createGenerationBodySchema,
  jobIdParamSchema,
  listGenerationsQuerySchema,
  retryBodySchema,
  upNextQuerySchema,
} from "../schemas.js";
import { StreamLimits } from "../stream-limits.js";

const jobIdOf = (c: Context<AppEnv>) => parseWith(jobIdParamSchema, c.req.param("id"), "job id");

/**
 * The generations (jobs) and the queue: submit, list, read, cancel and retry jobs, and follow one as an event
 * stream. Over TCP, a streamed job names no local path (`redact`).
 */
export function jobRoutes(
  deps: Pick<AppDeps, "config" | "service">,
  redact: (value: unknown) => unknown,
): Hono<AppEnv> {
  const { config, service } = deps;
  const routes = new Hono<AppEnv>();

  routes.post("/v1/generations", async (c) => {
    const body = parseWith(createGenerationBodySchema, await readJson(c), "request body");
    const { wait, ...input } = body;
    return answerSubmission(c, service, await service.generateMusic(input), wait);
  });

  routes.get("/v1/generations", async (c) =>
    c.json(await service.listJobs(parseWith(listGenerationsQuerySchema, c.req.query(), "query"))),
  );
  routes.get("/v1/generations/:id", async (c) => c.json(await service.getJob(jobIdOf(c))));
  routes.delete("/v1/generations/:id", async (c) => c.json(await service.cancel(jobIdOf(c))));

  // A retry never pays twice: a job whose prompt reached the site resumes its submission.
  const retry = async (c: Context<AppEnv>) => {
    const id = jobIdOf(c);
    // The body is optional; when there is one it must be JSON.
    const hasBody = (await c.req.raw.clone().text()).length > 0;
    const body = parseWith(retryBodySchema, hasBody ? await readJson(c) : {}, "request body");
    return c.json(await service.retry(id, body));
  };
  routes.post("/v1/jobs/:id/retry", retry);
  routes.post("/v1/generations/:id/retry", retry);

  const streams = new StreamLimits({
    total: config.daemon.maxEventStreams,
    perClient: config.daemon.maxEventStreamsPerClient,
  });
  routes.get("/v1/generations/:id/events", async (c) => {
    const id = jobIdOf(c);
    await service.getJob(id); // a job that does not exist is a 404, not an empty stream
    const source = requestSource(c);
    const release = streams.take(source.client);
    return streamSSE(c, async (stream) => {
      const controller = new AbortController();
      controller.signal.addEventListener("abort", release, { once: true });
      stream.onAbort(() => controller.abort());
      const keepAlive = setInterval(
        () => void stream.write(": keep-alive\n\n").catch(() => controller.abort()),
        15_000,
      );
      try {
        for await (const job of service.watchJob(id, { signal: controller.signal })) {
          await stream.writeSSE({
            event: "job",
            data: JSON.stringify(source.transport === "tcp" ? redact(job) : job),
            id: `${job.id}:${job.updatedAt}`,
          });
        }
      } finally {
        clearInterval(keepAlive);
        release();
      }
    });
  });

  routes.get("/v1/queue/jobs", async (c) => {
    const { limit } = parseWith(upNextQuerySchema, c.req.query(), "query");
    return c.json({ jobs: await service.upNext(limit === undefined ? {} : { limit }) });
  });
  routes.get("/v1/queue", async (c) => c.json(await service.status()));
  return routes;
}
