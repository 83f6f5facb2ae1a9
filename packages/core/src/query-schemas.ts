import { z } from "zod";
import { JOB_STATUSES } from "./job.js";

// The schemas of what the service is asked, beside `generateMusicInputSchema`: the daemon's query strings and
// the MCP server's tools validate with these, so both refuse the same things with the same words.

/** A page size: 1 to 200 (query strings are coerced). */
export const pageLimitSchema = z.coerce
  .number({ error: "must be a number" })
  .int("must be a whole number")
  .min(1, "must be at least 1")
  .max(200, "must be at most 200");

/** The `nextCursor` of an earlier page. */
export const cursorSchema = z.string().min(1).max(200);

/** A project, user or account id as stored. */
export const idSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}._:@-]*$/u, "has an invalid form");

/** A job's or a track's id. */
export const jobIdSchema = z.string().uuid("must be a job id (a UUID)");
export const trackIdSchema = z.string().uuid("must be a track id (a UUID)");

/** `listJobs`: newest first, optionally of one status. */
export const listJobsQuerySchema = z.strictObject({
  status: z.enum(JOB_STATUSES, { error: `must be one of ${JOB_STATUSES.join(", ")}` }).optional(),
  limit: pageLimitSchema.optional(),
  cursor: cursorSchema.optional(),
});

/** `listTracks`: newest first, narrowed by project, user, job or account. */
export const trackQuerySchema = z.strictObject({
  projectId: idSchema.optional().describe("Only this project's songs."),
  userId: idSchema.optional().describe("Only this user's songs."),
  jobId: idSchema.optional().describe("Only the songs of this job."),
  account: idSchema.optional().describe("Only the songs made on this account (of several)."),
  search: z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(200, "must be at most 200 characters")
    .optional()
    .describe(
      'Only the songs whose title, prompt, caption or transcript holds every one of these words, in any case ("piano intro").',
    ),
  limit: pageLimitSchema.optional(),
  cursor: cursorSchema.optional().describe("The nextCursor of the page before."),
});

/** `upNext`: how many of the next queued jobs. */
export const upNextQuerySchema = z.strictObject({ limit: pageLimitSchema.optional() });

/** `library`: one page of an account's songs on the site, newest first (query strings are coerced). */
export const libraryQuerySchema = z.strictObject({
  limit: pageLimitSchema.max(100, "must be at most 100").optional().describe("Songs to list, 1–100 (20)."),
  offset: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(0, "must be at least 0")
    .max(100_000, "must be at most 100000")
    .optional()
    .describe("Songs to skip, newest first."),
  account: idSchema.optional().describe("The account whose library to list (the daemon's first when absent)."),
});
