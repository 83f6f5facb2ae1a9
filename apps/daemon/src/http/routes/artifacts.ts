import fs from "node:fs";
import path from "node:path";
import { Hono } from "hono";
import { ForbiddenError, NotFoundError } from "@producer/utils";
import type { AppEnv } from "../app-deps.js";

const ARTIFACT_TYPES: Record<string, string> = {
  ".png": "image/png",
  ".html": "text/plain; charset=utf-8",
  ".zip": "application/zip",
};

/** `/v1/artifacts/…`: the screenshots and page HTML of failed steps, from the artifacts folder only. */
export function artifactRoutes(artifactsDir: string, holdsSecret?: (file: string) => Promise<boolean>): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.get("/v1/artifacts/:folder/:file", async (c) => {
    const root = path.resolve(artifactsDir);
    const file = path.resolve(root, c.req.param("folder"), c.req.param("file"));
    const type = ARTIFACT_TYPES[path.extname(file)];
    if (
      !file.startsWith(`${root}${path.sep}`) ||
      path.dirname(path.dirname(file)) !== root ||
      !type ||
      !fs.existsSync(file)
    ) {
      throw new NotFoundError("No such failure artifact.");
    }
    // Artifacts are scrubbed as they are written; one that still holds a live credential (a token the scrub could
    // not know, an artifact from before) is never served.
    if (await (holdsSecret?.(file) ?? Promise.resolve(false)).catch(() => true)) {
      throw new ForbiddenError(
        "This failure artifact holds a credential of the signed-in session, so it is not served; read it on the daemon's machine.",
      );
    }
    // The page's HTML is shown as text: it is the site's markup, never run here.
    return c.body(fs.readFileSync(file), 200, {
      "content-type": type,
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'",
    });
  });
  return routes;
}
