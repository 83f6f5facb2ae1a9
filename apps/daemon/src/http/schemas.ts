import { z } from "zod";
import { generateMusicInputSchema, JOB_STATUSES } from "@producer/core";

/** POST /v1/generations: a `generateMusic` call, plus how long to hold the answer for the finished job. */
export const createGenerationBodySchema = generateMusicInputSchema.extend({
  wait: z
    .union([z.boolean(), z.number().int().min(0).max(3_600_000)], {
      error: "must be true, false or a number of milliseconds up to 3600000",
    })
    .nullish()
    .describe("Hold the answer until the job ends (true: up to 10 minutes; a number: that many ms)."),
});

const limit = z.coerce
  .number({ error: "must be a number" })
  .int("must be a whole number")
  .min(1, "must be at least 1")
  .max(200, "must be at most 200")
  .optional();
const cursor = z.string().min(1).max(200).optional();
const id = z.string().min(1).max(128).regex(/^[\p{L}\p{N}][\p{L}\p{N}._:@-]*$/u, "has an invalid form").optional();

export const listGenerationsQuerySchema = z.strictObject({
  status: z.enum(JOB_STATUSES, { error: `must be one of ${JOB_STATUSES.join(", ")}` }).optional(),
  limit,
  cursor,
});

export const listTracksQuerySchema = z.strictObject({ projectId: id, userId: id, jobId: id, account: id, limit, cursor });

export const jobIdParamSchema = z.string().uuid("must be a job id (a UUID)");
