/**
 * Generate music with ProducerAI: the durable generation service, and (soon) the typed client for the daemon.
 *
 * @example
 * ```ts
 * import { ProducerService } from "@producer/core";
 * const service = await ProducerService.create({ config, generator });
 * const queued = await service.generateMusic({ prompt: "Create a happy pop song", title: "My New Song",
 *   projectId: "project_123", userId: "user_456", useQueue: true });
 * ```
 */
export { ProducerService } from "./producer-service.js";
export type { ProducerBackend, QueueStatus, SessionReport, TrackAudio, TrackQuery } from "./producer-backend.js";
export type { ProducerServiceOptions, ServiceStatus } from "./producer-service.js";
export { generateMusicInputSchema, issuesToFields, LIMITS, parseGenerateInput } from "./generate-input.js";
export type { GenerateMusicInput, JobInput, OperationSource } from "./generate-input.js";
export {
  operateInputSchema,
  operationSourceSchema,
  parseOperateInput,
  songOperationSchema,
} from "./operation-input.js";
export type { OperateInput } from "./operation-input.js";
export { operationInput } from "./operation-helpers.js";
export type {
  ConvertInput,
  CoverInput,
  ExtendInput,
  ImportInput,
  OperationCommon,
  ReplaceInput,
  SpeedInput,
  StemsInput,
  TrimInput,
} from "./operation-helpers.js";
export { LIBRARY_MAX_LIMIT } from "./song-library.js";
export { SITE_TASKS } from "./site-tasks/index.js";
export { SiteTasks } from "./site-tasks/site-tasks.js";
export {
  UPLOAD_MAX_BYTES,
  type UploadAudioAnswer,
  type UploadAudioInput,
  type UploadAudioResult,
} from "./site-tasks/upload.js";
export type {
  EditLyricsInput,
  EditLyricsResult,
  TaskAnswer,
  WriteLyricsInput,
  WriteLyricsResult,
} from "./site-tasks/lyrics.js";
export { MODELS_TTL_MS, type ListModelsResult, type SiteModel } from "./site-tasks/models.js";
export type { SiteTaskInput, SiteTaskResult } from "./site-tasks/run-site-task.js";
export type { SiteTaskSpec, TaskDeps } from "./site-tasks/site-task-spec.js";
export type { CleanupInput, CleanupResult } from "./site-tasks/library-cleanup.js";
export {
  SONG_PRIVACY,
  type DeleteConversationsInput,
  type DeleteSongsInput,
  type ListConversationsInput,
  type RenameSongInput,
  type SongPrivacy,
  type SongPrivacyInput,
} from "./site-tasks/library-tidy.js";
export {
  describeSongFields,
  type DescribeSongAnswer,
  type DescribeSongInput,
  type DescribeSongResult,
} from "./site-tasks/song-describe.js";
export { IMAGE_ASPECTS, type CreateImageInput, type CreateImageResult, type ImageAspect } from "./site-tasks/image.js";
export { imageFormatOf, type ImageFormat, type StoredImage } from "./cover-image.js";
export type { LibraryEntry, LibraryInput, LibraryListing } from "./song-library.js";
export {
  cursorSchema,
  idSchema,
  jobIdSchema,
  libraryQuerySchema,
  listJobsQuerySchema,
  pageLimitSchema,
  trackIdSchema,
  trackQuerySchema,
  upNextQuerySchema,
} from "./query-schemas.js";
export { isTerminal, JOB_STATUSES, RUNNING_STATUSES, TERMINAL_STATUSES } from "./job.js";
export type {
  DirectResult,
  GenerateMusicResult,
  Job,
  JobError,
  JobRecovery,
  JobStatus,
  QueuedResult,
  Track,
} from "./job.js";
export { JobEvents } from "./job-events.js";
export { PAUSING_CODES } from "./queue-pause.js";
export type { PauseState } from "./queue-pause.js";
export { deliverWebhook, signWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "./webhook.js";
export type { WebhookPolicy } from "./webhook-policy.js";
export { openDatabase } from "./store/database.js";
export type { Dialect, ProducerDatabase } from "./store/database.js";
export { migrateToLatest } from "./store/migrations.js";
/** The queue itself, for custom workers and tools; most code wants `ProducerService`. */
export { AccountSlotStore } from "./store/account-slot-store.js";
export { AccountOwnerStore, type AccountOwnerRow } from "./store/account-owner-store.js";
export { AccountOwnership, requireStateKey, type AccountOwnershipOptions } from "./account-ownership.js";
export { loadInstanceId } from "./instance-id.js";
export { databaseNowMs, plusMs, postgresNowMs } from "./store/db-clock.js";
export { JobStore } from "./store/job-store.js";
export type { DownloadedSong, JobRow } from "./store/job-row.js";
export type { TrackPage } from "./store/track-store.js";
export { producer, ProducerClient } from "./client/producer-client.js";
export type { ClientGenerateInput, ProducerClientOptions } from "./client/producer-client.js";
