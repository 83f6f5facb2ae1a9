import { randomUUID } from "node:crypto";
import path from "node:path";
import { SiteChangedError } from "@producer/utils";
import { z } from "zod";
import { storeImage, type StoredImage } from "../cover-image.js";
import { LIMITS, optional, text } from "../generate-input.js";
import type { SiteTaskSpec } from "./site-task-spec.js";

/** The aspect ratios the site's image tool takes. */
export const IMAGE_ASPECTS = ["1:1", "16:9", "9:16"] as const;
export type ImageAspect = (typeof IMAGE_ASPECTS)[number];

/** What `createImage` takes. */
export interface CreateImageInput {
  prompt: string;
  aspect?: ImageAspect;
  /** Run on this account (of several). */
  account?: string;
}

/** What `image.create` answers: the image as stored beside the audio. */
export type CreateImageResult = StoredImage;

const createImage: SiteTaskSpec = {
  schema: z.strictObject({
    prompt: text(LIMITS.promptChars, { required: true }).describe("What the image shows, in words."),
    aspect: optional(z.enum(IMAGE_ASPECTS, { error: `must be one of ${IMAGE_ASPECTS.join(", ")}` })).describe(
      "The image's shape: 1:1 (the default, a cover), 16:9 or 9:16.",
    ),
  }),
  /** The driver's fetched file, checked by its first bytes, stored in the songs' storage. */
  async finish(result, settings, deps) {
    const filePath = typeof result.filePath === "string" ? result.filePath : "";
    if (!filePath || path.relative(deps.downloadDir, filePath).startsWith("..")) {
      throw new SiteChangedError("The image task answered no file in its folder.", {
        details: { step: "task", answerKeys: Object.keys(result) },
      });
    }
    const place = { imageId: `image-${randomUUID()}`, prompt: String(settings.prompt) };
    const stored = await storeImage(filePath, place, deps);
    deps.logger.info({ key: stored.key, format: stored.format, sizeBytes: stored.sizeBytes }, "image stored");
    return { ...stored };
  },
};

/** The image tasks: `image.create { prompt, aspect? }`. */
export const IMAGE_TASK_SPECS = { "image.create": createImage } as const;
