import type { Selectable } from "kysely";
import type { GenerationProgress, SubmissionRecord } from "@producer/utils";
import type { JobInput } from "../generate-input.js";
import type { Job, JobError, JobStatus, Track } from "../job.js";
import type { JobsTable } from "./database.js";

export type JobRow = Selectable<JobsTable>;

/** A song downloaded by an attempt and kept until it is stored, so a retry never generates it again. */
export interface DownloadedSong {
  index: number;
  title: string;
  filePath: string;
  format: string;
  clipId?: string;
  stem?: string;
  parentClipId?: string;
  model?: string;
  seed?: number;
  bpm?: number;
  creditsCharged?: number;
  siteDurationSecs?: number;
}

const iso = (ms: number | string | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** The row of a job just submitted: queued, due now, nothing run yet. */
export function queuedRow(options: {
  id: string;
  input: JobInput;
  inputHash: string;
  idempotencyKey?: string;
  webhookUrl?: string;
  maxAttempts: number;
  now: number;
  createdAt: number;
}): JobRow {
  const { input, now } = options;
  return {
    id: options.id,
    status: "queued",
    input: JSON.stringify(input),
    prompt: input.prompt,
    project_id: input.projectId ?? null,
    user_id: input.userId ?? null,
    priority: input.priority,
    idempotency_key: options.idempotencyKey ?? null,
    input_hash: options.inputHash,
    attempts: 0,
    max_attempts: options.maxAttempts,
    run_after: now,
    lease_owner: null,
    lease_expires_at: null,
    progress: null,
    downloaded: null,
    error_code: null,
    error_message: null,
    error_retryable: null,
    cancel_requested: 0,
    webhook_url: options.webhookUrl ?? null,
    webhook_status: options.webhookUrl ? "pending" : null,
    created_at: options.createdAt,
    updated_at: now,
    started_at: null,
    finished_at: null,
    submission: null,
    error_details: null,
    account: null,
  };
}

/** A job's error as the columns that keep it. */
export const errorColumns = (error: JobError) => ({
  error_code: error.code,
  error_message: error.message,
  error_retryable: error.retryable ? 1 : 0,
  error_details: error.details && Object.keys(error.details).length > 0 ? JSON.stringify(error.details) : null,
});

export function toJob(row: JobRow, tracks: Track[] = []): Job {
  const submission = row.submission ? (JSON.parse(row.submission) as SubmissionRecord) : null;
  const error: JobError | null = row.error_code
    ? {
        code: row.error_code,
        message: row.error_message ?? "",
        retryable: Number(row.error_retryable) === 1,
        ...(row.error_details ? { details: JSON.parse(row.error_details) as Record<string, unknown> } : {}),
      }
    : null;
  return {
    id: row.id,
    status: row.status as JobStatus,
    input: JSON.parse(row.input) as JobInput,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    progress: row.progress ? (JSON.parse(row.progress) as GenerationProgress) : null,
    error,
    tracks,
    idempotencyKey: row.idempotency_key,
    webhookUrl: row.webhook_url,
    webhookStatus: (row.webhook_status as Job["webhookStatus"]) ?? null,
    createdAt: iso(row.created_at) as string,
    updatedAt: iso(row.updated_at) as string,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    runAfter: iso(row.run_after) as string,
    submission,
    account: row.account ?? null,
    waiting: null,
    ...recoveryOf(row.status as JobStatus, submission, row.error_code),
  };
}

/**
 * A job that failed (or was cancelled) after its submission reached the site — not refused by it, and not failed
 * by the site itself — can get its songs back without paying again.
 */
export function recoveryOf(
  status: JobStatus,
  submission: SubmissionRecord | null,
  errorCode: string | null = null,
): Pick<Job, "recoverable" | "recovery"> {
  // The site's own word that the generation failed: there are no songs to fetch.
  if (
    (status !== "failed" && status !== "cancelled") ||
    !submission ||
    submission.state === "refused" ||
    errorCode === "GENERATION_FAILED"
  ) {
    return { recoverable: false, recovery: null };
  }
  const charged =
    submission.creditsBefore !== undefined && submission.creditsAfter !== undefined
      ? Math.max(0, submission.creditsBefore - submission.creditsAfter)
      : null;
  return {
    recoverable: true,
    recovery: {
      message:
        "The prompt reached the site before this job ended, so its songs may be there, paid for. Retry the job to fetch them by their ids: nothing is submitted again.",
      submittedAt: submission.submittedAt,
      siteJobId: submission.siteJobId ?? null,
      operationIds: submission.opIds ?? [],
      clipIds: submission.clipIds ?? [],
      creditsCharged: charged,
    },
  };
}
