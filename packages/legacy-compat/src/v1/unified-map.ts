import type { GenerateMusicInput, Job, SessionReport, Track } from "@producer/core";
import { generationId, nowSeconds, toSeconds, windowId } from "./ids.js";
import { fileNameOf, jobErrorText, siteFactsOf, songFactsOf, toLegacyState } from "./map.js";
import type {
  AutomationFailure,
  AutomationSuccess,
  LegacyErrorType,
  RequestStatusObject,
  SessionStatusObject,
  TrackRecord,
  UnifiedFailure,
  UnifiedGenerateArgs,
  UnifiedGenerateParams,
  UnifiedSuccess,
} from "./shapes.js";

/** Arguments given in the earlier order, or as one object by name, as the object. */
export function unifiedParams(args: [UnifiedGenerateParams] | UnifiedGenerateArgs): UnifiedGenerateParams {
  const [
    first,
    title = null,
    is_instrumental = false,
    lyrics = null,
    project_id = null,
    user_id = null,
    use_queue = true,
  ] = args;
  return typeof first === "string"
    ? { prompt: first, title, is_instrumental, lyrics, project_id, user_id, use_queue }
    : first;
}

/**
 * The earlier call as a `generateMusic` input. As before, lyrics for a song with vocals go into the prompt the site
 * sees: `"<prompt>\n\nLyrics:\n<lyrics>"`; an instrumental ignores them.
 */
export function toUnifiedInput(params: UnifiedGenerateParams, useQueue: boolean): GenerateMusicInput {
  const instrumental = params.is_instrumental === true;
  const prompt = !instrumental && params.lyrics ? `${params.prompt}\n\nLyrics:\n${params.lyrics}` : params.prompt;
  return {
    prompt,
    useQueue,
    ...(params.title ? { title: params.title } : {}),
    ...(instrumental ? { instrumental: true } : {}),
    ...(params.project_id ? { projectId: params.project_id } : {}),
    ...(params.user_id ? { userId: params.user_id } : {}),
  };
}

export function toTrackRecord(track: Track, job: Pick<Job, "id" | "createdAt">): TrackRecord {
  return {
    id: track.id,
    job_id: track.jobId,
    generation_id: generationId("clip", job),
    project_id: track.projectId,
    user_id: track.userId,
    title: track.title,
    prompt: track.prompt,
    s3_key: track.storage.key,
    s3_url: track.storage.url,
    bucket: track.storage.bucket,
    file_size: track.sizeBytes,
    ...songFactsOf(track),
    ...siteFactsOf(track),
    parent_clip_id: track.parentClipId,
    bpm: track.bpm,
    created_at: toSeconds(track.createdAt),
  };
}

/** What the caller asked, read back from the job: the prompt without the lyrics folded into it. */
function askedOf(job: Job): { prompt: string; lyrics: string | null } {
  const split = /^([\s\S]*?)\n\nLyrics:\n([\s\S]*)$/.exec(job.input.prompt);
  if (split && !job.input.instrumental) return { prompt: split[1] ?? "", lyrics: split[2] ?? null };
  return { prompt: job.input.prompt, lyrics: job.input.lyrics ?? null };
}

/** A finished job as `create_success_response`; `localPaths` maps file names to the local copies kept. */
export function toUnifiedSuccess(
  job: Job,
  method: UnifiedSuccess["method"],
  localPaths: ReadonlyMap<string, string> = new Map(),
): UnifiedSuccess {
  const { prompt, lyrics } = askedOf(job);
  const first = job.tracks[0];
  return {
    success: true,
    message: "Music generation completed successfully",
    timestamp: nowSeconds(),
    song_id: first?.clipId ?? job.id,
    title: first?.title ?? job.input.title ?? null,
    prompt,
    method,
    is_instrumental: job.input.instrumental,
    lyrics,
    project_id: job.input.projectId ?? null,
    generation_id: generationId("clip", job),
    ...(method === "producer_ai_queue" ? { request_id: job.id } : {}),
    uploaded_files: job.tracks.map((track) => ({
      local_path: localPaths.get(fileNameOf(track)) ?? null,
      s3_url: track.storage.url,
      filename: fileNameOf(track),
      size: track.sizeBytes,
      track_record: toTrackRecord(track, job),
    })),
    generation_completed: true,
    download_success: job.tracks.length > 0,
    ...(method === "producer_ai_queue" ? { tab_id: windowId(job.id) } : {}),
  };
}

export function toUnifiedFailure(
  error: string,
  errorType: LegacyErrorType,
  context: { method?: UnifiedFailure["method"]; prompt?: string | null; requestId?: string },
): UnifiedFailure {
  return {
    success: false,
    error,
    error_type: errorType,
    timestamp: nowSeconds(),
    ...(context.method ? { method: context.method } : {}),
    prompt: context.prompt ?? null,
    ...(context.requestId ? { request_id: context.requestId } : {}),
  };
}

/** A finished job as the earlier browser automation's result. */
export function toAutomationSuccess(job: Job): AutomationSuccess {
  const first = job.tracks[0];
  const urls = job.tracks.map((track) => track.storage.url);
  return {
    success: true,
    song_id: first?.clipId ?? job.id,
    title: first?.title ?? job.input.title ?? null,
    prompt: job.input.prompt,
    method: "producer_ai_automation",
    timestamp: nowSeconds(),
    download_path: urls[0] ?? null,
    downloaded_files: job.tracks.map(fileNameOf),
    generation_completed: true,
    download_success: job.tracks.length > 0,
    network_urls: urls,
  };
}

export function toAutomationFailure(error: string, prompt: string): AutomationFailure {
  return { success: false, error, method: "producer_ai_automation", timestamp: nowSeconds(), prompt };
}

export function toSessionStatusObject(report: SessionReport): SessionStatusObject {
  return {
    is_authenticated: report.valid,
    status: report.valid ? "authenticated" : "not_authenticated",
    reason: report.reason,
    error_code: report.code ?? null,
    last_check: toSeconds(report.checkedAt),
    expires_at: report.expiresAt ? toSeconds(report.expiresAt) : null,
    expires_in_seconds: report.expiresInSecs ?? null,
    credits: report.credits ?? null,
    warning: report.warning ?? null,
    queue_paused: report.paused !== null,
    pause_reason: report.paused ? `${report.paused.code}: ${report.paused.reason}` : null,
  };
}

export function toRequestStatusObject(job: Job): RequestStatusObject {
  const running = ["generating", "downloading", "uploading", "recording"].includes(job.status);
  return {
    request_id: job.id,
    status: toLegacyState(job.status),
    prompt: askedOf(job).prompt,
    title: job.input.title ?? null,
    project_id: job.input.projectId ?? null,
    user_id: job.input.userId ?? null,
    is_instrumental: job.input.instrumental,
    created_at: toSeconds(job.createdAt),
    started_at: toSeconds(job.startedAt),
    completed_at: toSeconds(job.finishedAt),
    attempts: job.attempts,
    assigned_window_id: windowId(job.id),
    progress: running ? job.status : null,
    result: job.status === "succeeded" ? toUnifiedSuccess(job, "producer_ai_queue") : null,
    error: jobErrorText(job),
  };
}
