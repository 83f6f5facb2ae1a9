import { z } from "zod";
import { generateMusicInputSchema, operateInputSchema } from "@producer/core";

/** How long to hold the answer for the finished job. */
const waitSchema = z
  .union([z.boolean(), z.number().int().min(0).max(3_600_000)], {
    error: "must be true, false or a number of milliseconds up to 3600000",
  })
  .nullish()
  .describe("Hold the answer until the job ends (true: up to 10 minutes; a number: that many ms).");

/** POST /v1/generations: a `generateMusic` call, plus how long to hold the answer for the finished job. */
export const createGenerationBodySchema = generateMusicInputSchema.extend({ wait: waitSchema });

/** POST /v1/operations: an `operate` call (extend, replace, cover, stems, trim, speed, convert, import), plus `wait`. */
export const createOperationBodySchema = operateInputSchema.extend({ wait: waitSchema });

/** POST /v1/jobs/:id/retry: `resubmit` is the explicit consent to submit again (and spend credits). */
export const retryBodySchema = z.strictObject({
  resubmit: z.boolean().optional().describe("Submit the prompt again when nothing reached the site (spends credits)."),
});

export {
  jobIdSchema as jobIdParamSchema,
  libraryQuerySchema,
  listJobsQuerySchema as listGenerationsQuerySchema,
  trackQuerySchema as listTracksQuerySchema,
  upNextQuerySchema,
} from "@producer/core";
