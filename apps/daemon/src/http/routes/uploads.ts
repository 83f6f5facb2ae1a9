import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { UPLOAD_MAX_BYTES } from "@producer/core";
import { InvalidInputError } from "@producer/utils";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppDeps, AppEnv } from "../app-deps.js";

/** The path of an upload: its body may be as large as `UPLOAD_MAX_BYTES`, past the daemon's usual body limit. */
export const UPLOADS_PATH = "/v1/uploads";

const invalid = (path: string, message: string) =>
  new InvalidInputError(`Invalid upload: ${path} ${message}.`, [{ path, message }]);

/** `removeVocals` or `keepVocals` as a form sends it: `true` or `false` (absent: false). */
function flag(form: Record<string, unknown>, name: "removeVocals" | "keepVocals"): boolean | undefined {
  const value = form[name];
  if (value === undefined) return undefined;
  if (value === "true" || value === "false") return value === "true";
  throw invalid(name, "must be true or false");
}

/**
 * `POST /v1/uploads` (multipart `file`, `filename?`, `removeVocals?`, `keepVocals?`, `account?`): one's own audio,
 * sent to the site and its check awaited, answered as `runTask` answers (`result.clipId`). The file waits in a
 * folder only this user may read, removed however the upload ends; a body over 100 MB is refused before it is read.
 */
export function uploadRoutes({ service }: Pick<AppDeps, "service">): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  // Past it: 413 INVALID_INPUT, as any body over the daemon's limit.
  const limit = bodyLimit({ maxSize: UPLOAD_MAX_BYTES });
  routes.post(UPLOADS_PATH, limit, async (c) => {
    const form = await c.req.parseBody().catch(() => {
      throw invalid("", "must be a multipart form with a file");
    });
    const file = form.file;
    if (!(file instanceof File)) throw invalid("file", "is required (a multipart file)");
    const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
    const removeVocals = flag(form, "removeVocals");
    const keepVocals = flag(form, "keepVocals");
    const account = text(form.account);
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), "producer-upload-"));
    try {
      await fs.chmod(folder, 0o700);
      const filePath = path.join(folder, "upload");
      await fs.writeFile(filePath, new Uint8Array(await file.arrayBuffer()), { mode: 0o600 });
      const answer = await service.uploadAudio({
        file: filePath,
        filename: text(form.filename) ?? (file.name || "upload"),
        ...(removeVocals === undefined ? {} : { removeVocals }),
        ...(keepVocals === undefined ? {} : { keepVocals }),
        ...(account === undefined ? {} : { account }),
      });
      return c.json(answer);
    } finally {
      await fs.rm(folder, { recursive: true, force: true });
    }
  });
  return routes;
}
