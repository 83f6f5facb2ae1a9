import type { GenerateMusicInput, Job, JobStatus, QueueStatus, Track } from "@producer/core";
import type {
  LegacyGenerateParams,
  LegacyGenerationFailure,
  LegacyGenerationSuccess,
  LegacyQueueStatus,
  LegacyRequestState,
  LegacyRequestStatus,
  LegacyUploadedFile,
} from "./shapes.js";
import { generationId, windowId } from "./ids.js";

const STATE: Record<JobStatus, LegacyRequestState> = {
  queued: "pending",
  generating: "processing",
  downloading: "processing",
  uploading: "processing",
  recording: "processing",
  succeeded: "completed",
  failed: "failed",
  cancelled: "cancelled",
};

export const toLegacyState = (status: JobStatus): LegacyRequestState => STATE[status];

/** The earlier call's parameters as a `generateMusic` input. */
export function toGenerateInput(params: LegacyGenerateParams, useQueue: boolean): GenerateMusicInput {
  return {
    prompt: params.prompt,
    useQueue,
    ...(params.title ? { title: params.title } : {}),
    ...(params.lyrics ? { lyrics: params.lyrics } : {}),
    ...(params.instrumental ? { instrumental: true } : {}),
    ...(params.project_id ? { projectId: params.project_id } : {}),
    ...(params.user_id ? { userId: params.user_id } : {}),
    ...(params.format ? { format: params.format as "wav" } : {}),
  };
}

/** The file name a track was stored under (the last segment of its key). */
export const fileNameOf = (track: Track): string => track.storage.key.split("/").pop() ?? track.storage.key;

/** A track's audio facts and place in its generation, under the earlier names. */
export function songFactsOf(track: Track) {
  return {
    format: track.format,
    codec: track.codec,
    duration: track.durationSecs,
    sample_rate: track.sampleRate,
    channels: track.channels,
    bitrate: track.bitrate,
    sha256: track.sha256,
    song_index: track.songIndex,
    clip_id: track.clipId,
  };
}

/** What the site says of a track, under the earlier names. */
export function siteFactsOf(track: Track) {
  return {
    model: track.model,
    seed: track.seed,
    stem: track.stem,
    credits_charged: track.creditsCharged,
    // The metadata dicts have room for a cover; a track without one keeps the earlier shape exactly.
    ...(track.imageUrl && track.imageKey ? { image_url: track.imageUrl, image_key: track.imageKey } : {}),
  };
}

export function toUploadedFile(track: Track): LegacyUploadedFile {
  return {
    filename: fileNameOf(track),
    s3_url: track.storage.url,
    s3_key: track.storage.key,
    file_size: track.sizeBytes,
    file_metadata: {
      title: track.title,
      ...songFactsOf(track),
      project_id: track.projectId,
      user_id: track.userId,
      ...siteFactsOf(track),
      size_mb: Math.round((track.sizeBytes / (1024 * 1024)) * 100) / 100,
    },
  };
}

/** A finished job as the session manager's direct result. There are no numbered windows: `window_id` names the job. */
export function toGenerationSuccess(job: Job): LegacyGenerationSuccess {
  return {
    success: true,
    generation_id: generationId("gen", job),
    window_id: windowId(job.id),
    prompt: job.input.prompt,
    title: job.input.title ?? null,
    message: `Generated and uploaded ${job.tracks.length} ${job.tracks.length === 1 ? "song" : "songs"}.`,
    uploaded_files: job.tracks.map(toUploadedFile),
  };
}

export function toGenerationFailure(error: string, generationId: string | null): LegacyGenerationFailure {
  return { success: false, error, generation_id: generationId };
}

/** How the earlier API worded an error: the message, with the stable code in front for those who parse it. */
export function describeError(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === "string" ? `${code}: ${message}` : message;
}

export function toRequestStatus(job: Job): LegacyRequestStatus {
  return {
    success: true,
    request_id: job.id,
    status: toLegacyState(job.status),
    prompt: job.input.prompt,
    title: job.input.title ?? null,
    attempts: job.attempts,
    created_at: job.createdAt,
    started_at: job.startedAt,
    completed_at: job.finishedAt,
    result: job.status === "succeeded" ? toGenerationSuccess(job) : null,
    error: jobErrorText(job),
  };
}

/** A failed job's error as the earlier API worded it; a recoverable one says its songs can be fetched for free. */
export function jobErrorText(job: Job): string | null {
  if (!job.error) return null;
  const text = `${job.error.code}: ${job.error.message}`;
  return job.recovery ? `${text} ${job.recovery.message}` : text;
}

export function toQueueStatus(status: QueueStatus): LegacyQueueStatus {
  const count = (...statuses: JobStatus[]) => statuses.reduce((sum, name) => sum + (status.jobsByStatus[name] ?? 0), 0);
  return {
    success: true,
    queue_size: status.queueDepth,
    pending: count("queued"),
    processing: count("generating", "downloading", "uploading", "recording"),
    completed: count("succeeded"),
    failed: count("failed"),
    cancelled: count("cancelled"),
    paused: status.paused !== null,
    pause_reason: status.paused ? `${status.paused.code}: ${status.paused.reason}` : null,
  };
}
