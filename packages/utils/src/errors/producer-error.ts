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
  | "SESSION_REVOKED"
  | "LOGIN_FAILED"
  | "CHALLENGE"
  | "QUOTA_EXHAUSTED"
  | "UPLOAD_REFUSED"
  | "ACCOUNT_WALLED"
  | "ACCOUNT_UNAVAILABLE"
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
    // `this` is the class the check was called on: `GenerationFailedError.isInstance` asks for its own code.
    // biome-ignore lint/complexity/noThisInStatic: the subclass's code is the point of the check
    return this.code === undefined || (error as { code?: unknown }).code === this.code;
  }

  toJSON(): SerializedProducerError {
    const json: SerializedProducerError = { code: this.code, message: this.message, retryable: this.retryable };
    if (Object.keys(this.details).length > 0) json.details = this.details;
    return json;
  }
}
