import { Readable } from "node:stream";
import { Hono } from "hono";
import { trackIdSchema } from "@producer/core";
import { NotFoundError } from "@producer/utils";
import type { AppDeps, AppEnv } from "../app-deps.js";
import { parseWith, readJson } from "../request-input.js";

/**
 * Images: `POST /v1/images` `{ prompt, aspect?, account? }` makes one with the site's image tool and stores it
 * (`image.create`); `GET /v1/tracks/:id/image` streams a track's cover (made with its generation, `image: true`)
 * from storage beside its audio.
 */
export function trackImageRoutes({ service }: Pick<AppDeps, "service">): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.post("/v1/images", async (c) => {
    const body = await readJson(c);
    const settings = typeof body === "object" && body !== null && !Array.isArray(body) ? body : {};
    return c.json(await service.runTask({ ...settings, kind: "image.create" }));
  });
  routes.get("/v1/tracks/:id/image", async (c) => {
    const track = await service.getTrack(parseWith(trackIdSchema, c.req.param("id"), "track id"));
    const stream = track.imageKey ? await service.storage.open(track.imageKey) : undefined;
    if (!track.imageKey || !stream) {
      const why = track.imageKey
        ? "it is no longer in storage"
        : track.imageError
          ? `it could not be made (${track.imageError})`
          : "none was asked for";
      throw new NotFoundError(`Track ${track.id} has no cover image: ${why}.`, {
        details: { trackId: track.id, key: track.imageKey },
      });
    }
    return c.body(Readable.toWeb(stream) as ReadableStream, 200, {
      "content-type": track.imageKey.endsWith(".png") ? "image/png" : "image/jpeg",
      "cache-control": "private, max-age=3600",
    });
  });
  return routes;
}
