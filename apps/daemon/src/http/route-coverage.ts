import type { Env, Hono } from "hono";
import { inspectRoutes } from "hono/dev";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** `/v1/generations/:id` as OpenAPI writes it: `/v1/generations/{id}` (a `:name{regex}` loses its pattern). */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, "{$1}");
}

/** The `METHOD /path` of each route the app answers, middleware left out, each once, in registration order. */
export function registeredRoutes<E extends Env>(app: Hono<E>): string[] {
  const seen = new Set<string>();
  for (const route of inspectRoutes(app)) {
    if (route.isMiddleware) continue;
    seen.add(`${route.method.toUpperCase()} ${openApiPath(route.path)}`);
  }
  return [...seen];
}

/**
 * The routes `app` answers that `document` (OpenAPI) does not describe, as `METHOD /path`; empty when every one
 * is documented. A route for every method (`app.all`) counts as documented when its path has any operation; a
 * catch-all (`/openai/v1/*`, which OpenAPI cannot write) when a documented path lies under it.
 */
export function undocumentedRoutes<E extends Env>(app: Hono<E>, document: { paths?: unknown }): string[] {
  const paths = (document.paths ?? {}) as Record<string, Record<string, unknown> | undefined>;
  return registeredRoutes(app).filter((route) => {
    const [method = "", path = ""] = route.split(" ");
    const star = path.indexOf("*");
    if (star >= 0) return !Object.keys(paths).some((documented) => documented.startsWith(path.slice(0, star)));
    const item = paths[path];
    if (!item) return true;
    if (method === "ALL") return !METHODS.some((name) => item[name]);
    return !item[method.toLowerCase()];
  });
}
