import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../app-deps.js";
import { readJson } from "../request-input.js";

/**
 * `POST /v1/lyrics` `{ prompt, lyrics?, account? }`: lyrics written by the site (`lyrics.write`), or the given
 * lyrics rewritten as the prompt asks (`lyrics.edit`). `GET /v1/models[?refresh=true]`: the site's models
 * (`models.list`), kept ten minutes.
 */
export function lyricsRoutes({ service }: Pick<AppDeps, "service">): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.post("/v1/lyrics", async (c) => {
    const body = await readJson(c);
    const settings = typeof body === "object" && body !== null && !Array.isArray(body) ? body : {};
    const kind = (settings as { lyrics?: unknown }).lyrics === undefined ? "lyrics.write" : "lyrics.edit";
    return c.json(await service.runTask({ ...settings, kind }));
  });
  routes.get("/v1/models", async (c) => {
    const account = c.req.query("account");
    return c.json(
      await service.runTask({
        kind: "models.list",
        ...(c.req.query("refresh") === "true" ? { refresh: true } : {}),
        ...(account ? { account } : {}),
      }),
    );
  });
  return routes;
}
