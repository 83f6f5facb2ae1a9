import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../app-deps.js";
import { parseWith, readJson } from "../request-input.js";
import { createOperationBodySchema } from "../schemas.js";
import { answerSubmission } from "../submission-answer.js";

/**
 * Operations on songs that exist (extend, replace, cover, stems, trim, speed, convert): each a job like a
 * generation, read, followed, cancelled and retried through /v1/generations/:id.
 */
export function operationRoutes({ service }: Pick<AppDeps, "service">): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.post("/v1/operations", async (c) => {
    const { wait, ...input } = parseWith(createOperationBodySchema, await readJson(c), "request body");
    return answerSubmission(c, service, await service.operate(input), wait);
  });
  return routes;
}
