import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../app-deps.js";
import { readJson } from "../request-input.js";

/**
 * Tasks that are not songs (lyrics, an image, a caption, an upload, a rename), run on the site now: the body is
 * `{ kind, account?, …settings }`, checked by the service against the kind's schema before anything is sent.
 */
export function taskRoutes({ service }: Pick<AppDeps, "service">): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.post("/v1/tasks", async (c) => c.json(await service.runTask((await readJson(c)) as never)));
  return routes;
}
