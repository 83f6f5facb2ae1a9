/**
 * Building blocks shared by every producer package: errors with stable codes, retry, storage, audio facts,
 * temporary folders and a redacting logger interface.
 *
 * @example
 * ```ts
 * import { createStorage, readAudioFacts, renderStorageKey } from "@producer/utils";
 * const facts = await readAudioFacts("song.wav");
 * const key = renderStorageKey("music/generated/{generation_id}/{filename}", { generation_id: "g1", filename: "song.wav" });
 * await createStorage(config).putFile(key, "song.wav", { contentType: "audio/wav", metadata: { sha256: facts.sha256 } });
 * ```
 */
export {
  AccountUnavailableError,
  AccountWalledError,
  AudioInvalidError,
  BrowserCrashedError,
  CancelledError,
  ChallengeError,
  ConflictError,
  DisabledError,
  DownloadFailedError,
  errorFromJSON,
  GenerationFailedError,
  GenerationMayExistError,
  DuplicateAudioError,
  InternalError,
  InvalidInputError,
  LoginFailedError,
  NoAccountError,
  NotFoundError,
  ProducerError,
  QueueFullError,
  QuotaExhaustedError,
  UploadRefusedError,
  SessionExpiredError,
  SessionRevokedError,
  SiteChangedError,
  StorageError,
  TimeoutError,
  toProducerError,
  UnauthorizedError,
  ForbiddenError,
  RateLimitedError,
  UnavailableError,
  type ProducerErrorCode,
  type ProducerErrorOptions,
  type SerializedProducerError,
} from "./errors.js";
export { ConfigError } from "@producer/config";
export { abortReason, backoffDelay, retry, sleep, type RetryOptions } from "./retry.js";
export { assertAccountRunsHere } from "./account-binding.js";
export { readSecretFile } from "./secret-file.js";
export { openSealedText, sealText } from "./sealed-text.js";
export type { SiteTask, SiteTaskAnswer, SiteTaskOptions } from "./site-task.js";
export { LYRICS_NAMESPACE, lyricsIdOf, uuidV5 } from "./lyrics-id.js";
export {
  SONG_OPERATIONS,
  type LibraryPage,
  type LibraryQuery,
  type LibrarySong,
  type OperationRequest,
  type SongOperation,
  type SongOperationKind,
  type SongRegion,
  type SongSource,
} from "./song-operations.js";
export {
  AUDIO_CONTENT_TYPES,
  AUDIO_FILE_FORMATS,
  readAudioFacts,
  sha256File,
  type AudioFacts,
  type AudioFileFormat,
} from "./audio-facts.js";
export { checkAudioSignature, sniffAudioFormat } from "./audio-signature.js";
export { createTempDir, withTempDir, type TempDir } from "./temp-dir.js";
export { StepTotals, type StepTotal } from "./step-totals.js";
export {
  REDACTED,
  redactingLogger,
  redactSecrets,
  redactText,
  silentLogger,
  type LogFn,
  type Logger,
} from "./logger.js";
export {
  decodeMetadata,
  encodeMetadata,
  fitMetadata,
  METADATA_CUT_KEY,
  METADATA_CUT_MARK,
  type ByteRange,
  type ObjectHead,
  type PutOptions,
  type Storage,
  type StoredObject,
} from "./storage/storage.js";
export { LocalStorage } from "./storage/local-storage.js";
export { S3Storage, type S3StorageOptions } from "./storage/s3-storage.js";
export { createStorage } from "./storage/create-storage.js";
export {
  assertSafeKey,
  MAX_KEY_BYTES,
  MAX_SEGMENT_BYTES,
  renderStorageKey,
  sanitizeKeySegment,
  type KeyField,
} from "./storage/storage-key.js";
export {
  STEM_PARTS,
  type AccountOwner,
  type AccountReport,
  type AccountSlots,
  type AccountWall,
  type GenerateOptions,
  type GeneratedSong,
  type GenerationProgress,
  type GenerationRequest,
  type GenerationStage,
  type MusicGenerator,
  type SessionCheckOptions,
  type SessionStatus,
  type StemPart,
  type SubmissionRecord,
} from "./music-generator.js";
