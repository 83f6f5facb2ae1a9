import { Readable } from "node:stream";
import { Hono, type Context } from "hono";
import { trackIdSchema } from "@producer/core";
import type { AppDeps, AppEnv } from "../app-deps.js";
import { parseByteRange } from "../byte-range.js";
import { parseWith } from "../request-input.js";
import { libraryQuerySchema, listTracksQuerySchema } from "../schemas.js";

const trackIdOf = (c: Context<AppEnv>) => parseWith(trackIdSchema, c.req.param("id"), "track id");

/** The stored tracks: listed, read, and their audio served; and the site's library they come from. */
export function trackRoutes({ service }: Pick<AppDeps, "service">): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.get("/v1/tracks", async (c) =>
    c.json(await service.listTracks(parseWith(listTracksQuerySchema, c.req.query(), "query"))),
  );
  routes.get("/v1/tracks/:id", async (c) => c.json(await service.getTrack(trackIdOf(c))));
  // The account's songs on the site, each with its track here: what `import` would store.
  routes.get("/v1/library", async (c) =>
    c.json(await service.library(parseWith(libraryQuerySchema, c.req.query(), "query"))),
  );

  // A player seeks with byte ranges; a download gets the whole file.
  routes.get("/v1/tracks/:id/audio", async (c) => {
    const id = trackIdOf(c);
    const size = (await service.getTrack(id)).sizeBytes;
    const range = parseByteRange(c.req.header("range"), size);
    if (range === "unsatisfiable") return c.body(null, 416, { "content-range": `bytes */${size}` });
    const audio = await service.openTrackAudio(id, range ? { range } : {});
    const headers = {
      "content-type": audio.contentType,
      "accept-ranges": "bytes",
      "content-length": String(range ? range.end - range.start + 1 : size),
      "content-disposition": `inline; filename="${audio.track.storage.key.split("/").pop() ?? "audio"}"`,
      ...(range ? { "content-range": `bytes ${range.start}-${range.end}/${size}` } : {}),
    };
    return c.body(Readable.toWeb(audio.stream) as ReadableStream, range ? 206 : 200, headers);
  });
  return routes;
}
