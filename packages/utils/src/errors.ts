/** Shared with `@producer/config`'s `ConfigError`: every producer error carries this marker. */
const PRODUCER_ERROR = Symbol.for("producer.error");

export type ProducerErrorCode =
  | "INVALID_INPUT"
  | "INVALID_CONFIG"
  | "BROWSER_NOT_FOUND"
  | "DISABLED"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "RATE_LIMITED"
  | "SESSION_EXPIRED"
  | "LOGIN_FAILED"
  | "CHALLENGE"
  | "QUOTA_EXHAUSTED"
  | "ACCOUNT_WALLED"
  | "NO_ACCOUNT"
  | "SITE_CHANGED"
  | "GENERATION_FAILED"
  | "GENERATION_MAY_EXIST"
  | "DUPLICATE_AUDIO"
  | "DOWNLOAD_FAILED"
  | "AUDIO_INVALID"
  | "TIMEOUT"
  | "BROWSER_CRASHED"
  | "STORAGE_FAILED"
  | "NOT_FOUND"
  | "CONFLICT"
  | "QUEUE_FULL"
  | "CANCELLED"
  | "UNAVAILABLE"
  | "INTERNAL";

export interface ProducerErrorOptions {
  cause?: unknown;
  /** Overrides the class's default. */
  retryable?: boolean;
  /** Structured facts for callers and logs (field names, artifact paths, a retry hint…). */
  details?: Record<string, unknown>;
}

/** What an error looks like on the wire between the daemon and its client. */
export interface SerializedProducerError {
  code: string;
  message: string;
  retryable: boolean;
  details?: Record<string, unknown>;
}

/**
 * Base of every producer error: a stable `code`, whether trying again can help, and structured `details`.
 * Check with `ProducerError.isInstance(error)` (or a subclass's `isInstance`), which works across two copies of
 * the package where `instanceof` does not.
 */
export class ProducerError extends Error {
  readonly [PRODUCER_ERROR] = true;
  /** The code a subclass stands for; `isInstance` on the subclass matches it. */
  static readonly code: ProducerErrorCode | undefined = undefined;
  static readonly defaultRetryable: boolean = false;
  readonly code: ProducerErrorCode;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: ProducerErrorCode, message: string, options: ProducerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? (new.target as typeof ProducerError).defaultRetryable;
    this.details = options.details ?? {};
  }

  static isInstance<T extends ProducerError>(
    this: { readonly code: ProducerErrorCode | undefined; prototype: T },
    error: unknown,
  ): error is T {
    if (typeof error !== "object" || error === null) return false;
    if ((error as Record<symbol, unknown>)[PRODUCER_ERROR] !== true) return false;
    return this.code === undefined || (error as { code?: unknown }).code === this.code;
  }

  toJSON(): SerializedProducerError {
    const json: SerializedProducerError = { code: this.code, message: this.message, retryable: this.retryable };
    if (Object.keys(this.details).length > 0) json.details = this.details;
    return json;
  }
}

type Options = Omit<ProducerErrorOptions, "retryable"> & { retryable?: boolean };

/** Each subclass names its code once, as its static `code`; the instance takes it from there. */
abstract class CodedError extends ProducerError {
  constructor(message: string, options: ProducerErrorOptions = {}) {
    super((new.target as unknown as { code: ProducerErrorCode }).code, message, options);
  }
}

/** Fix the request: a field is missing, too long or of the wrong kind. `details.fields` names each one. */
export class InvalidInputError extends CodedError {
  static override readonly code = "INVALID_INPUT";
  constructor(message: string, fields: Array<{ path: string; message: string }> = [], options: Options = {}) {
    super(message, { ...options, details: { ...options.details, fields } });
  }
  get fields(): Array<{ path: string; message: string }> {
    return this.details.fields as Array<{ path: string; message: string }>;
  }
}

/** The integration is switched off (`enabled: false` / `DISABLE_PRODUCER_AI=true`). */
export class DisabledError extends CodedError {
  static override readonly code = "DISABLED";
  constructor(message = "The ProducerAI integration is disabled by configuration.", options: Options = {}) {
    super(message, options);
  }
}

/** Send the right credentials: a daemon token is missing or wrong. */
export class UnauthorizedError extends CodedError {
  static override readonly code = "UNAUTHORIZED";
  constructor(message = "A valid bearer token is required.", options: Options = {}) {
    super(message, options);
  }
}

/** Refused whatever it carries: a request naming another host or sent from another site's page. */
export class ForbiddenError extends CodedError {
  static override readonly code = "FORBIDDEN";
  constructor(message = "This request is refused.", options: Options = {}) {
    super(message, options);
  }
}

/** Slow down: too many requests of this kind from this client (open event streams, sign-in attempts). */
export class RateLimitedError extends CodedError {
  static override readonly code = "RATE_LIMITED";
  constructor(message: string, options: Options = {}) {
    super(message, { retryable: true, ...options });
  }
}

/** Sign in again (`producer session init` or `import`): the site shows its login wall. */
export class SessionExpiredError extends CodedError {
  static override readonly code = "SESSION_EXPIRED";
  constructor(message: string, options: Options = {}) {
    super(message, options);
  }
}

/** Fix the account credentials: automatic sign-in was refused. Never retried blindly. */
export class LoginFailedError extends CodedError {
  static override readonly code = "LOGIN_FAILED";
  constructor(message: string, options: Options = {}) {
    super(message, options);
  }
}

/** Solve the challenge by hand in a headed browser, then carry on: a captcha or bot check is showing. */
export class ChallengeError extends CodedError {
  static override readonly code = "CHALLENGE";
  constructor(message: string, options: Options = {}) {
    super(message, options);
  }
}

/** Wait for credits: the account's quota is used up. */
export class QuotaExhaustedError extends CodedError {
  static override readonly code = "QUOTA_EXHAUSTED";
  constructor(message: string, options: Options = {}) {
    super(message, options);
  }
}

/** Update the selectors profile: the page no longer has what a selector names (snapshot on the error). */
export class SiteChangedError extends CodedError {
  static override readonly code = "SITE_CHANGED";
  constructor(message: string, options: Options = {}) {
    super(message, options);
  }
}

/** Try again: the site finished without usable audio for a song. */
export class GenerationFailedError extends CodedError {
  static override readonly code = "GENERATION_FAILED";
  static override readonly defaultRetryable = true;
  constructor(message: string, options: Options = {}) {
    super(message, options);
  }
}

/**
 * Look on the site before asking again: the prompt was submitted, but this attempt could not find the songs it
 * made. Never retried by itself, so nothing is paid twice; `details` holds what identifies the generation
 * (`submittedAt`, `siteJobId`, `clipIds`).
 */
export class GenerationMayExistError extends CodedError {
  static override readonly code = "GENERATION_MAY_EXIST";
  constructor(message: string, options: Options = {}) {
    super(message, options);
  }
}

/** Report it: two songs of one generation came back as the same bytes (the site sent one twice, or it was taken twice). */
export class DuplicateAudioError extends CodedError {
  static override readonly code = "DUPLICATE_AUDIO";
  constructor(message: string, options: Options = {}) {
    super(message, options);
  }
}

/** Try again: a download did not complete. */
export class DownloadFailedError extends CodedError {
  static override readonly code = "DOWNLOAD_FAILED";
  static override readonly defaultRetryable = true;
  constructor(message: string, options: Options = {}) {
    super(message, options);
  }
}

/** The file is not audio that can be read (corrupt, truncated or another format). */
export class AudioInvalidError extends CodedError {
  static override readonly code = "AUDIO_INVALID";
  constructor(message: string, options: Options = {}) {
    super(message, options);
  }
}

/** Try again later: a step ran past its deadline. `details.step` names it. */
export class TimeoutError extends CodedError {
  static override readonly code = "TIMEOUT";
  static override readonly defaultRetryable = true;
  constructor(message: string, options: Options = {}) {
    super(message, options);
  }
}

/** Try again: Chromium crashed or disconnected; the pool relaunches it. */
export class BrowserCrashedError extends CodedError {
  static override readonly code = "BROWSER_CRASHED";
  static override readonly defaultRetryable = true;
  constructor(message: string, options: Options = {}) {
    super(message, options);
  }
}

/** Try again: the store did not accept or return an object. Access errors are not retryable. */
export class StorageError extends CodedError {
  static override readonly code = "STORAGE_FAILED";
  static override readonly defaultRetryable = true;
  constructor(message: string, options: Options = {}) {
    super(message, options);
  }
}

/** Check the id: no such job, track or object. */
export class NotFoundError extends CodedError {
  static override readonly code = "NOT_FOUND";
  constructor(message: string, options: Options = {}) {
    super(message, options);
  }
}

/** Use a new idempotency key, or the same request: the key was used with different input. */
export class ConflictError extends CodedError {
  static override readonly code = "CONFLICT";
  constructor(message: string, options: Options = {}) {
    super(message, options);
  }
}

/** Retry after `retryAfterMs`: the queue holds as many jobs as it may. */
export class QueueFullError extends CodedError {
  static override readonly code = "QUEUE_FULL";
  static override readonly defaultRetryable = true;
  constructor(message: string, retryAfterMs: number, options: Options = {}) {
    super(message, { ...options, details: { ...options.details, retryAfterMs } });
  }
  get retryAfterMs(): number {
    return this.details.retryAfterMs as number;
  }
}

/** Nothing to do: the work was cancelled or its signal aborted. */
export class CancelledError extends CodedError {
  static override readonly code = "CANCELLED";
  constructor(message = "The operation was cancelled.", options: Options = {}) {
    super(message, options);
  }
}

/** Try again: the daemon (or another service) cannot be reached. */
export class UnavailableError extends CodedError {
  static override readonly code = "UNAVAILABLE";
  static override readonly defaultRetryable = true;
  constructor(message: string, options: Options = {}) {
    super(message, options);
  }
}

/**
 * Wait: the account this job must run on (it holds the job's submission, or the job named it) is behind a wall
 * — an expired session, a challenge, an empty balance or a rate limit — until `retryAfterMs` at the latest.
 */
export class AccountWalledError extends CodedError {
  static override readonly code = "ACCOUNT_WALLED";
  static override readonly defaultRetryable = true;
  constructor(message: string, options: Options = {}) {
    super(message, options);
  }
}

/** No account can take a job now: every one is walled, paused or out of credits (`details.accounts` says which). */
export class NoAccountError extends CodedError {
  static override readonly code = "NO_ACCOUNT";
  constructor(message: string, options: Options = {}) {
    super(message, options);
  }
}

/** A bug: something failed that no other code describes. The cause is kept. */
export class InternalError extends CodedError {
  static override readonly code = "INTERNAL";
  constructor(message = "Internal error.", options: Options = {}) {
    super(message, options);
  }
}

/**
 * Rebuilds an error received as JSON (from the daemon) as the same class, so a client's caller can use the
 * same `isInstance` checks as in-process code.
 */
export function errorFromJSON(json: SerializedProducerError): ProducerError {
  const options = { retryable: json.retryable, details: json.details ?? {} };
  const code = json.code as ProducerErrorCode;
  switch (code) {
    case "INVALID_INPUT":
      return new InvalidInputError(
        json.message,
        (json.details?.fields as Array<{ path: string; message: string }> | undefined) ?? [],
        options,
      );
    case "QUEUE_FULL":
      return new QueueFullError(json.message, Number(json.details?.retryAfterMs ?? 0), options);
    default: {
      const Known = ERROR_CLASSES[code];
      return Known ? new Known(json.message, options) : new ProducerError(code, json.message, options);
    }
  }
}

const ERROR_CLASSES: Partial<Record<ProducerErrorCode, new (message: string, options: Options) => ProducerError>> = {
  DISABLED: DisabledError,
  UNAUTHORIZED: UnauthorizedError,
  FORBIDDEN: ForbiddenError,
  RATE_LIMITED: RateLimitedError,
  SESSION_EXPIRED: SessionExpiredError,
  LOGIN_FAILED: LoginFailedError,
  CHALLENGE: ChallengeError,
  QUOTA_EXHAUSTED: QuotaExhaustedError,
  ACCOUNT_WALLED: AccountWalledError,
  NO_ACCOUNT: NoAccountError,
  SITE_CHANGED: SiteChangedError,
  GENERATION_FAILED: GenerationFailedError,
  GENERATION_MAY_EXIST: GenerationMayExistError,
  DUPLICATE_AUDIO: DuplicateAudioError,
  DOWNLOAD_FAILED: DownloadFailedError,
  AUDIO_INVALID: AudioInvalidError,
  TIMEOUT: TimeoutError,
  BROWSER_CRASHED: BrowserCrashedError,
  STORAGE_FAILED: StorageError,
  NOT_FOUND: NotFoundError,
  CONFLICT: ConflictError,
  CANCELLED: CancelledError,
  UNAVAILABLE: UnavailableError,
  INTERNAL: InternalError,
};

/** Any thrown value as a `ProducerError`: producer errors pass through, an abort becomes CANCELLED, the rest INTERNAL. */
export function toProducerError(error: unknown): ProducerError {
  if (ProducerError.isInstance(error)) {
    if (error instanceof ProducerError) return error;
    // A ConfigError, or one from a second copy of this package: same facts, this copy's class.
    const foreign = error as unknown as SerializedProducerError & { issues?: unknown };
    return errorFromJSON({
      code: foreign.code,
      message: foreign.message,
      retryable: foreign.retryable,
      details: foreign.details ?? (foreign.issues === undefined ? {} : { issues: foreign.issues }),
    });
  }
  if (error instanceof Error && error.name === "AbortError") return new CancelledError(error.message, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new InternalError(message, { cause: error });
}
