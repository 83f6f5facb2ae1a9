import type { AudioFormat } from "@producer/config";
import type { SiteTask, SiteTaskAnswer, SiteTaskOptions } from "./site-task.js";
import type { LibraryPage, LibraryQuery, OperationRequest } from "./song-operations.js";

/**
 * The contract between the generation service and whatever drives the site. `@producer/core` consumes it;
 * `@producer/session` implements it with a real browser, so an app that installs core never gets a browser.
 */
export interface GenerationRequest {
  /** The sound description (compose) or the chat message (chat). */
  prompt: string;
  /** The title to give the songs; the site names them itself when absent. */
  title?: string;
  lyrics?: string;
  instrumental?: boolean;
  format: AudioFormat;
  /** `compose` (the app's compose panel) or `chat`; the profile's first mode when absent. */
  mode?: "compose" | "chat";
  /** A model id of the profile (`lyria-3.5`, …); the profile's default when absent. */
  model?: string;
  bpm?: number;
  /** The song length; the site picks it (Auto) when absent. */
  durationSecs?: number;
  seed?: number;
  /** Also split every song into stems and download them. */
  stems?: boolean;
  /**
   * A clip of the account's library (an upload, a song) the new song takes as its reference track: asked as a chat
   * message that points at the clip, the way the app's clients do.
   */
  referenceClipId?: string;
}

export const STEM_PARTS = ["vocals", "drums", "bass", "other"] as const;
export type StemPart = (typeof STEM_PARTS)[number];

export type GenerationStage = "submitted" | "replying" | "generating" | "downloading" | "done";

export interface GenerationProgress {
  stage: GenerationStage;
  /** With `downloading`: which song (1-based) of how many. */
  songNumber?: number;
  songCount?: number;
  message?: string;
}

export interface GeneratedSong {
  /** Position in the generation, from 0; a song that came back without audio leaves a gap. Stems follow the songs. */
  index: number;
  title: string;
  /** The downloaded file; the caller owns it from here on. */
  filePath: string;
  format: AudioFormat;
  /** The site's id of the song (its clip id). */
  clipId?: string;
  /** For a stem: which part, and the clip id of the song it was split from. */
  stem?: StemPart;
  parentClipId?: string;
  /** What the site says of the song. */
  model?: string;
  seed?: number;
  bpm?: number;
  /** The site's own duration, in seconds, to compare with the file's. */
  siteDurationSecs?: number;
  /** This song's share of the credits the generation cost, when the site says what it cost. */
  creditsCharged?: number;
}

/**
 * What is known of a submission to the site, recorded before the prompt is sent and filled in as the site names
 * the generation. With it a later attempt finds the songs of this submission instead of paying for another.
 */
export interface SubmissionRecord {
  /** `sending`: the prompt may have reached the site; `accepted`: it did; `refused`: the site said no (nothing spent). */
  state: "sending" | "accepted" | "refused";
  /** When the prompt was submitted (ISO). */
  submittedAt: string;
  /** What was sent as the prompt, to recognise the generation in the library. */
  prompt: string;
  title?: string;
  /** The site's ids for the generation and its songs, as soon as they are seen. */
  siteJobId?: string;
  opIds?: string[];
  clipIds?: string[];
  /** Generate was pressed once more because no song had started. */
  pressedAgain?: boolean;
  creditsBefore?: number;
  creditsAfter?: number;
  /** Why the site refused, with `refused`. */
  refusal?: string;
  /** The account it was submitted on: its songs are in that account's library, and only there. */
  account?: string;
  /** A conversation the site made for this submission (producer's own: `library cleanup --conversations` may delete it). */
  conversationMade?: string;
}

export interface GenerateOptions {
  signal?: AbortSignal;
  onProgress?: (progress: GenerationProgress) => void;
  /** Where to put the files; a fresh folder under the configured downloads dir by default. */
  downloadDir?: string;
  /**
   * Called, and awaited, with the record of the submission: once right before the prompt is sent (a rejection
   * stops the send), then whenever the site names more of it. Persist it to make a retry safe.
   */
  onSubmission?: (record: SubmissionRecord) => Promise<void>;
  /**
   * An earlier attempt's submission: find and download its songs; never submit again. Ends in
   * `GENERATION_MAY_EXIST` when the site shows none of them.
   */
  resume?: SubmissionRecord;
  /** Run on this account (of several); without it one is picked. A resumed submission stays on its own. */
  account?: string;
}

export interface SessionCheckOptions {
  /** Check now rather than answer the cached status. */
  force?: boolean;
  signal?: AbortSignal;
  /**
   * Read the balance through a page already open on the site (the page's own credits call, made inside it),
   * loading nothing; only when no page is there is the site opened. A paused queue's re-check.
   */
  viaOpenPage?: boolean;
}

export interface SessionStatus {
  valid: boolean;
  /** Why, in a sentence a user can act on. */
  reason: string;
  /** The error code an invalid session stands for (`SESSION_EXPIRED`, `CHALLENGE`, …). */
  code?: string;
  checkedAt: string;
  /** When the login ends (the auth cookie's `expires_at`, or its expiry), if known. */
  expiresAt?: string;
  /** Seconds until then. */
  expiresInSecs?: number;
  /** The account's credit balance, when the site says. */
  credits?: number;
  /**
   * The login holds a refresh token that the page uses to renew its access token: it lasts until that token
   * is refused (then the page signs out), so it has no known end.
   */
  refreshable?: boolean;
  /** When the current access token ends (about an hour after it was issued; renewed by the page). */
  accessTokenExpiresAt?: string;
  /** Set when the login ends soon: what to do before it does. */
  warning?: string;
}

export interface AccountWall {
  code: string;
  reason: string;
  since: string;
  /** When the account is tried again (sooner when a new login state is imported or the balance refills). */
  until: string;
}

/** Which daemon of a fleet owns an account (PostgreSQL): only the owner opens it, refreshes it and runs its jobs. */
export interface AccountOwner {
  /** The owning daemon's instance id (kept in its data dir). */
  instance: string;
  host: string;
  /** When it took the account. */
  since: string;
  /** True when the daemon answering is the owner. */
  self: boolean;
}

/** One account as `/v1/accounts`, `/readyz` and `doctor` show it. */
export interface AccountReport {
  name: string;
  paused: boolean;
  weight: number;
  maxConcurrency: number;
  running: number;
  /** From the last session check or job; null before any. */
  signedIn: boolean | null;
  sessionExpiresAt: string | null;
  sessionExpiresInSecs: number | null;
  credits: number | null;
  creditsReadAt: string | null;
  wall: AccountWall | null;
  generations: number;
  /** Failed generations by error code. */
  failures: Record<string, number>;
  /** Credits the finished generations cost, as the balance before and after each said. */
  creditsSpent: number;
  lastUsedAt: string | null;
  /** With PostgreSQL, the daemon that owns the account now (null when none does); absent on SQLite. */
  owner?: AccountOwner | null;
  /** Why this daemon does not own the account it is configured for (another owns it, or its login was refused). */
  notOwnedReason?: string;
}

/**
 * The slots of each account, shared by every daemon on one database: a daemon takes one before a job runs on an
 * account and gives it back after, so daemons together never run an account beyond its concurrency. A slot
 * whose holder stops renewing it (a killed daemon) lapses after its lease.
 */
export interface AccountSlots {
  /** Takes one of the `max` slots of `account` for `holder`, for `leaseMs`; false when all are taken. */
  take(account: string, max: number, holder: string, leaseMs: number): Promise<boolean>;
  renew(holder: string, leaseMs: number): Promise<void>;
  release(holder: string): Promise<void>;
}

export interface MusicGenerator {
  /** Runs one generation and downloads every song it yields. */
  generate(request: GenerationRequest, options?: GenerateOptions): Promise<GeneratedSong[]>;
  /**
   * Runs one operation on an existing song (extend, cover, stems, …) and downloads every song it yields, with
   * the same promises as `generate`: the submission recorded before anything is sent, at most one paid call, and
   * `resume` finds an earlier attempt's songs instead of paying again. Absent where the driver cannot do it.
   */
  operate?(request: OperationRequest, options?: GenerateOptions): Promise<GeneratedSong[]>;
  /** One page of the account's library, from the site's own listing; spends nothing. Absent where unknown. */
  library?(query: LibraryQuery): Promise<LibraryPage>;
  /** Runs one task that is not a song (lyrics, an image, a caption, an upload, a rename); see `SiteTask`. */
  runTask?(task: SiteTask, options?: SiteTaskOptions): Promise<SiteTaskAnswer>;
  /** Whether the account is signed in and usable; cached for a short time unless `force`. */
  checkSession(options?: SessionCheckOptions): Promise<SessionStatus>;
  close(): Promise<void>;
}
