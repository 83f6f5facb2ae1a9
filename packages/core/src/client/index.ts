/**
 * `@producer/core/client`: the daemon's typed client alone — no job store, no SQL builder, no storage — so a
 * program that only talks to the daemon starts fast.
 */
export { producer, ProducerClient } from "./producer-client.js";
export type { ClientGenerateInput, ProducerClientOptions } from "./producer-client.js";
export { isTerminal } from "../job.js";
export type { GenerateMusicResult, Job, JobStatus, Track } from "../job.js";
export type { GenerateMusicInput } from "../generate-input.js";
export type { ProducerBackend, QueueStatus, SessionReport, TrackAudio, TrackQuery } from "../producer-backend.js";
export type { OperateInput } from "../operation-input.js";
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
} from "../operation-helpers.js";
export type { LibraryEntry, LibraryInput, LibraryListing } from "../song-library.js";
export type { SiteTaskInput, SiteTaskResult } from "../site-tasks/run-site-task.js";
export type {
  EditLyricsInput,
  EditLyricsResult,
  TaskAnswer,
  WriteLyricsInput,
  WriteLyricsResult,
} from "../site-tasks/lyrics.js";
export type { ListModelsResult, SiteModel } from "../site-tasks/models.js";
export type { CleanupInput, CleanupResult } from "../site-tasks/library-cleanup.js";
