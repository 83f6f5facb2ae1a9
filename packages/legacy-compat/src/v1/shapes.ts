/**
 * The earlier service's result shapes, exactly as its callers read them. These names and snake_case fields live
 * here and in the mapping beside them; nothing inside the engine knows them.
 */

/** The earlier request statuses. */
export type LegacyRequestState = "pending" | "processing" | "completed" | "failed" | "cancelled";

export interface LegacyUploadedFile {
  filename: string;
  s3_url: string;
  s3_key: string;
  file_size: number;
  file_metadata: {
    title: string;
    format: string;
    codec: string;
    duration: number;
    sample_rate: number;
    channels: number;
    bitrate: number;
    sha256: string;
    song_index: number;
    clip_id: string | null;
    project_id: string | null;
    user_id: string | null;
    /** What the site says of the song (null where the site profile does not say). */
    model: string | null;
    seed: number | null;
    stem: string | null;
    credits_charged: number | null;
  };
}

/** A direct generation that worked. */
export interface LegacyGenerationSuccess {
  success: true;
  generation_id: string;
  window_id: string;
  prompt: string;
  title: string | null;
  message: string;
  uploaded_files: LegacyUploadedFile[];
}

/** Any call that did not work: the earlier API answered this instead of throwing. */
export interface LegacyGenerationFailure {
  success: false;
  error: string;
  generation_id: string | null;
}

export type LegacyGenerationResult = LegacyGenerationSuccess | LegacyGenerationFailure;

/** A queue submission. `estimated_wait_time` is in seconds. */
export interface LegacyQueueSubmission {
  success: true;
  request_id: string;
  status: "queued";
  queue_position: number;
  estimated_wait_time: number;
}

export interface LegacyQueueFailure {
  success: false;
  error: string;
  request_id: string | null;
}

export interface LegacyRequestStatus {
  success: true;
  request_id: string;
  status: LegacyRequestState;
  prompt: string;
  title: string | null;
  attempts: number;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  /** The direct-generation result, once completed. */
  result: LegacyGenerationSuccess | null;
  error: string | null;
}

export interface LegacyQueueStatus {
  success: true;
  queue_size: number;
  pending: number;
  processing: number;
  completed: number;
  failed: number;
  cancelled: number;
  paused: boolean;
  pause_reason: string | null;
}

export interface LegacyCancelResult {
  success: true;
  request_id: string;
  status: LegacyRequestState;
}

/** The earlier call's parameters. */
export interface LegacyGenerateParams {
  prompt: string;
  title?: string | null;
  lyrics?: string | null;
  instrumental?: boolean | null;
  project_id?: string | null;
  user_id?: string | null;
  use_queue?: boolean | null;
  format?: string | null;
}
