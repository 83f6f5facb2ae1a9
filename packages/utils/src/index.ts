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
  SessionExpiredError,
  SiteChangedError,
  StorageError,
  TimeoutError,
  toProducerError,
  UnauthorizedError,
  ForbiddenError,
  RateLimitedError,
  UnavailableError,
} from "./errors.js";
export type { ProducerErrorCode, ProducerErrorOptions, SerializedProducerError } from "./errors.js";
export { ConfigError } from "@producer/config";
export { abortReason, backoffDelay, retry, sleep } from "./retry.js";
export { readSecretFile } from "./secret-file.js";
export type { RetryOptions } from "./retry.js";
export { AUDIO_CONTENT_TYPES, AUDIO_FILE_FORMATS, readAudioFacts, sha256File } from "./audio-facts.js";
export type { AudioFacts, AudioFileFormat } from "./audio-facts.js";
export { checkAudioSignature, sniffAudioFormat } from "./audio-signature.js";
export { createTempDir, withTempDir } from "./temp-dir.js";
export type { TempDir } from "./temp-dir.js";
export { REDACTED, redactingLogger, redactSecrets, redactText, silentLogger } from "./logger.js";
export type { LogFn, Logger } from "./logger.js";
export { decodeMetadata, encodeMetadata, fitMetadata, METADATA_CUT_KEY, METADATA_CUT_MARK } from "./storage/storage.js";
export type { ByteRange, ObjectHead, PutOptions, Storage, StoredObject } from "./storage/storage.js";
export { LocalStorage } from "./storage/local-storage.js";
export { S3Storage } from "./storage/s3-storage.js";
export type { S3StorageOptions } from "./storage/s3-storage.js";
export { createStorage } from "./storage/create-storage.js";
export {
  assertSafeKey,
  MAX_KEY_BYTES,
  MAX_SEGMENT_BYTES,
  renderStorageKey,
  sanitizeKeySegment,
} from "./storage/storage-key.js";
export type { KeyField } from "./storage/storage-key.js";
export type {
  AccountReport,
  AccountSlots,
  AccountWall,
  GenerateOptions,
  GeneratedSong,
  GenerationProgress,
  GenerationRequest,
  GenerationStage,
  MusicGenerator,
  SessionCheckOptions,
  SessionStatus,
  StemPart,
  SubmissionRecord,
} from "./music-generator.js";
export { STEM_PARTS } from "./music-generator.js";
