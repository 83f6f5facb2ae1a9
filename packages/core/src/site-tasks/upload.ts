import { z } from "zod";
import type { SiteTaskSpec } from "./site-task-spec.js";

export { UPLOAD_MAX_BYTES, uploadAudioThrough } from "./upload-input.js";
export type { UploadAudioAnswer, UploadAudioInput, UploadAudioResult } from "./upload-input.js";

const upload: SiteTaskSpec = {
  schema: z.strictObject({
    filePath: z
      .string()
      .min(1)
      .max(4096)
      .describe("The audio file to upload, on this machine (WAV, MP3, M4A, FLAC or OGG, told by its first bytes)."),
    filename: z.string().min(1).max(255).optional().describe("The name the site is given; the file's own by default."),
    removeVocals: z
      .boolean()
      .optional()
      .describe("When the site finds vocals, remove them (a new clip) instead of refusing the upload."),
    keepVocals: z
      .boolean()
      .optional()
      .describe(
        "When the site finds vocals, keep the song with them (the site is asked to confirm it); not with removeVocals.",
      ),
  }),
};

export const UPLOAD_TASK_SPECS: Readonly<Record<string, SiteTaskSpec>> = { upload };
