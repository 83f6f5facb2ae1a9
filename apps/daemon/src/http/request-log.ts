import type { MiddlewareHandler } from "hono";
import type { Logger } from "@producer/utils";
import type { AppEnv } from "./app-deps.js";

/**
 * Gives each request a logger that names its id, logs the request once answered, and counts the answers by
 * status in `responses` (for `/metrics`).
 */
export function requestLog(logger: Logger, responses: Map<string, number>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = Date.now();
    c.set("logger", logger.child({ requestId: c.get("requestId") }));
    await next();
    const status = String(c.res.status);
    responses.set(status, (responses.get(status) ?? 0) + 1);
    c.get("logger").debug(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Date.now() - started },
      "request",
    );
  };
}
