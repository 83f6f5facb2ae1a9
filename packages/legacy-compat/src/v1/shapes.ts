/**
 * The earlier service's result shapes, exactly as its callers read them (see the migration guide). These names and
 * snake_case fields live here and in the mapping beside them; nothing inside the engine knows them. Times are Unix
 * seconds with a fraction, as the earlier service's `time.time()`.
 */

// ---- ProducerAIService (producer_service): the browser automation result --------------------------------------

export interface AutomationSuccess {
  success: true;
  /** The site's id of the first song (its clip id), or the job id where the site gave none. */
  song_id: string;
  title: string | null;
  prompt: string;
  method: "producer_ai_automation";
  timestamp: number;
  /** The first file's `s3_url`, or null. */
  download_path: string | null;
  downloaded_files: string[];
  generation_completed: boolean;
  download_success: boolean;
  network_urls: string[];
}

export interface AutomationFailure {
  success: false;
  error: string;
  method: "producer_ai_automation";
  timestamp: number;
  prompt: string;
}

export type AutomationResult = AutomationSuccess | AutomationFailure;

/** One entry of `get_available_files`. `created` / `modified` are Unix seconds. */
export interface AvailableFile {
  filename: string;
  path: string;
  size: number;
  created: number;
  modified: number;
  /** `/api/ai/producer/files/<filename>` (under the configured prefix). */
  url: string;
}

// ---- UnifiedProducerAIService (unified_producer_service) and ProducerAIMusicClipService -------------------------

/** A stored song's audio facts and place in its generation, under the earlier names. */
interface SongFacts {
  format: string;
  codec: string;
  duration: number;
  sample_rate: number;
  channels: number;
  bitrate: number;
  sha256: string;
  song_index: number;
  clip_id: string | null;
}

/** What the site says of the song (null where the site profile does not say). */
interface SiteFacts {
  model: string | null;
  seed: number | null;
  stem: string | null;
  credits_charged: number | null;
  /** The generation's cover image (`image: true`), stored beside the audio: only when it has one. */
  image_url?: string;
  image_key?: string;
}

/** The track row the earlier service recorded for an uploaded song, in snake_case. */
export interface TrackRecord extends SongFacts, SiteFacts {
  id: string;
  job_id: string;
  generation_id: string;
  project_id: string | null;
  user_id: string | null;
  title: string;
  prompt: string;
  s3_key: string;
  s3_url: string;
  bucket: string | null;
  file_size: number;
  parent_clip_id: string | null;
  bpm: number | null;
  created_at: number;
}

export interface UnifiedUploadedFile {
  /** The local copy in the download folder, or null when the service keeps none (the daemon's routes). */
  local_path: string | null;
  s3_url: string;
  filename: string;
  size: number;
  track_record: TrackRecord;
}

/** `create_success_response`. */
export interface UnifiedSuccess {
  success: true;
  message: "Music generation completed successfully";
  timestamp: number;
  song_id: string;
  title: string | null;
  prompt: string;
  method: "producer_ai_queue" | "producer_ai_direct";
  is_instrumental: boolean;
  lyrics: string | null;
  project_id: string | null;
  /** `clip_<unix seconds>_<job id without dashes>`: unique, and it leads back to the request. */
  generation_id: string;
  /** Queue mode only. */
  request_id?: string;
  uploaded_files: UnifiedUploadedFile[];
  generation_completed: boolean;
  download_success: boolean;
  /** Queue mode only: the worker tab that ran it (`job-<request_id>`; there are no numbered tabs any more). */
  tab_id?: string;
}

export type LegacyErrorType =
  | "GenerationError"
  | "QueueError"
  | "QueueGenerationError"
  | "DirectGenerationError"
  | "CancellationError"
  | "TimeoutError";

/** `create_error_response`. `error` starts with the new engine's stable code (`QUEUE_FULL: …`). */
export interface UnifiedFailure {
  success: false;
  error: string;
  error_type: LegacyErrorType;
  timestamp: number;
  method?: "producer_ai_unified" | "producer_ai_queue" | "producer_ai_direct";
  prompt: string | null;
  request_id?: string;
}

export type UnifiedResult = UnifiedSuccess | UnifiedFailure;

/** The session manager's status object. */
export interface SessionStatusObject {
  is_authenticated: boolean;
  status: "authenticated" | "not_authenticated";
  reason: string;
  /** The new engine's code for an unusable session (`SESSION_EXPIRED`, `CHALLENGE`, `QUOTA_EXHAUSTED`, …). */
  error_code: string | null;
  last_check: number;
  expires_at: number | null;
  expires_in_seconds: number | null;
  credits: number | null;
  warning: string | null;
  queue_paused: boolean;
  pause_reason: string | null;
}

export interface SessionStatusError {
  error: string;
  is_authenticated: false;
}

/** One request of the queue, as `get_request_status` answers it inside `{ success, status }`. */
export interface RequestStatusObject {
  request_id: string;
  status: LegacyRequestState;
  prompt: string;
  title: string | null;
  project_id: string | null;
  user_id: string | null;
  is_instrumental: boolean;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
  attempts: number;
  assigned_window_id: string;
  /** The step a running request is at (`generating`, `downloading`, `uploading`, `recording`). */
  progress: string | null;
  result: UnifiedSuccess | null;
  error: string | null;
}

export type RequestStatusAnswer = { success: true; status: RequestStatusObject } | { success: false; error: string };

// ---- The session manager (lower level) ---------------------------------------------------------------------------

/** The earlier request statuses. */
export type LegacyRequestState = "pending" | "processing" | "completed" | "failed" | "cancelled";

export interface LegacyUploadedFile {
  filename: string;
  s3_url: string;
  s3_key: string;
  file_size: number;
  file_metadata: SongFacts &
    SiteFacts & {
      title: string;
      project_id: string | null;
      user_id: string | null;
      size_mb: number;
    };
}

/** A direct generation that worked (the session manager's `generate_music_direct`). */
export interface LegacyGenerationSuccess {
  success: true;
  /** `gen_<unix seconds>_<job id without dashes>`. */
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
  status: "queued" | "queued_global";
  assigned_window_id: string;
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

/** `generate_music` / `generate_music_for_clip` keyword arguments. */
export interface UnifiedGenerateParams {
  prompt: string;
  title?: string | null;
  is_instrumental?: boolean | null;
  lyrics?: string | null;
  project_id?: string | null;
  user_id?: string | null;
  use_queue?: boolean | null;
}

/** The same arguments in the earlier order. */
export type UnifiedGenerateArgs = [
  prompt: string,
  title?: string | null,
  is_instrumental?: boolean,
  lyrics?: string | null,
  project_id?: string | null,
  user_id?: string | null,
  use_queue?: boolean,
];

/** The deprecated `ProducerIntegration` / `ProducerMusicClipService` parameters. */
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
