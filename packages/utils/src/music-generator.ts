import type { AudioFormat } from "@producer/config";

/**
 * The contract between the generation service and whatever drives the site. `@producer/core` consumes it;
 * `@producer/session` implements it with a real browser, so an app that installs core never gets a browser.
 */
export interface GenerationRequest {
  prompt: string;
  /** A title hint for the site; the site names the songs itself. */
  title?: string;
  lyrics?: string;
  instrumental?: boolean;
  format: AudioFormat;
}

export type GenerationStage = "submitted" | "replying" | "generating" | "downloading" | "done";

export interface GenerationProgress {
  stage: GenerationStage;
  /** With `downloading`: which song (1-based) of how many. */
  songNumber?: number;
  songCount?: number;
  message?: string;
}

export interface GeneratedSong {
  /** Position in the generation, from 0; a song that came back without audio leaves a gap. */
  index: number;
  title: string;
  /** The downloaded file; the caller owns it from here on. */
  filePath: string;
  format: AudioFormat;
  /** The site's id of the song (from its /song/<id> link), when found. */
  clipId?: string;
}

export interface GenerateOptions {
  signal?: AbortSignal;
  onProgress?: (progress: GenerationProgress) => void;
  /** Where to put the files; a fresh folder under the configured downloads dir by default. */
  downloadDir?: string;
}

export interface SessionStatus {
  valid: boolean;
  /** Why, in a sentence a user can act on. */
  reason: string;
  /** The error code an invalid session stands for (`SESSION_EXPIRED`, `CHALLENGE`, …). */
  code?: string;
  checkedAt: string;
  /** When the auth cookie expires, if known. */
  expiresAt?: string;
}

export interface MusicGenerator {
  /** Runs one generation and downloads every song it yields. */
  generate(request: GenerationRequest, options?: GenerateOptions): Promise<GeneratedSong[]>;
  /** Whether the account is signed in and usable; cached for a short time unless `force`. */
  checkSession(options?: { force?: boolean; signal?: AbortSignal }): Promise<SessionStatus>;
  close(): Promise<void>;
}
