import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../app-deps.js";
import { readJson } from "../request-input.js";

/**
 * `POST /v1/describe` `{ trackId | clipId, prompt?, account? }`: what a song holds — the site's caption and the
 * lyrics it sings, kept on the song's tracks — as the `song.describe` task answers it.
 */
export function describeRoutes({ service }: Pick<AppDeps, "service">): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.post("/v1/describe", async (c) => {
    const body = await readJson(c);
    const settings = typeof body === "object" && body !== null && !Array.isArray(body) ? body : {};
    return c.json(await service.runTask({ ...settings, kind: "song.describe" }));
  });
  return routes;
}
