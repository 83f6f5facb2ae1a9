import { ProducerError, type ProducerErrorCode, type ProducerErrorOptions } from "./producer-error.js";

/** A constructor's arguments: the message may be left out where the class has a default one. */
type MessageFirst = [message: string, options?: ProducerErrorOptions];
type MessageOptional = [message?: string, options?: ProducerErrorOptions];

/** A `ProducerError` class that stands for one code. */
interface CodedErrorClass<Code extends ProducerErrorCode, Arguments extends unknown[]> {
  new (...args: Arguments): ProducerError;
  readonly prototype: ProducerError;
  readonly code: Code;
  readonly defaultRetryable: boolean;
  isInstance: typeof ProducerError.isInstance;
}

/**
 * The base of the error class for one code: each class below names its code (and whether it is retryable by
 * default, or a default message) once, here, and the instance takes them from there.
 */
function codedError<const Code extends ProducerErrorCode>(
  code: Code,
  defaults?: { retryable?: boolean },
): CodedErrorClass<Code, MessageFirst>;
function codedError<const Code extends ProducerErrorCode>(
  code: Code,
  defaults: { retryable?: boolean; message: string },
): CodedErrorClass<Code, MessageOptional>;
function codedError(code: ProducerErrorCode, defaults: { retryable?: boolean; message?: string } = {}) {
  return class extends ProducerError {
    static override readonly code = code;
    static override readonly defaultRetryable = defaults.retryable ?? false;
    constructor(message = defaults.message, options: ProducerErrorOptions = {}) {
      super(code, message as string, options);
    }
  };
}

/** Fix the request: a field is missing, too long or of the wrong kind. `details.fields` names each one. */
export class InvalidInputError extends codedError("INVALID_INPUT") {
  constructor(
    message: string,
    fields: Array<{ path: string; message: string }> = [],
    options: ProducerErrorOptions = {},
  ) {
    super(message, { ...options, details: { ...options.details, fields } });
  }
  get fields(): Array<{ path: string; message: string }> {
    return this.details.fields as Array<{ path: string; message: string }>;
  }
}

/** The integration is switched off (`enabled: false` / `DISABLE_PRODUCER_AI=true`). */
export class DisabledError extends codedError("DISABLED", {
  message: "The ProducerAI integration is disabled by configuration.",
}) {}

/** Send the right credentials: a daemon token is missing or wrong. */
export class UnauthorizedError extends codedError("UNAUTHORIZED", { message: "A valid bearer token is required." }) {}

/** Refused whatever it carries: a request naming another host or sent from another site's page. */
export class ForbiddenError extends codedError("FORBIDDEN", { message: "This request is refused." }) {}

/** Slow down: too many requests of this kind from this client (open event streams, sign-in attempts). */
export class RateLimitedError extends codedError("RATE_LIMITED", { retryable: true }) {}

/** Sign in again (`producer session init` or `import`): the site shows its login wall. */
export class SessionExpiredError extends codedError("SESSION_EXPIRED") {}

/**
 * Copy the login again, and keep the copy the daemon's own: the site refused the login's refresh token as already
 * used, so it was refreshed elsewhere after it was copied (another daemon, or the browser it came from), and the
 * site revoked the whole session for every holder.
 */
export class SessionRevokedError extends codedError("SESSION_REVOKED") {}

/** Fix the account credentials: automatic sign-in was refused. Never retried blindly. */
export class LoginFailedError extends codedError("LOGIN_FAILED") {}

/** Solve the challenge by hand in a headed browser, then carry on: a captcha or bot check is showing. */
export class ChallengeError extends codedError("CHALLENGE") {}

/** Wait for credits: the account's quota is used up. */
export class QuotaExhaustedError extends codedError("QUOTA_EXHAUSTED") {}

/**
 * Upload other audio: the site checked the file and refused it; `details.reason` says why (`protected content`,
 * `vocals not allowed` — try again with vocals removed — or `lyrics moderation`).
 */
export class UploadRefusedError extends codedError("UPLOAD_REFUSED") {}

/** Update the selectors profile: the page no longer has what a selector names (snapshot on the error). */
export class SiteChangedError extends codedError("SITE_CHANGED") {}

/** Try again: the site finished without usable audio for a song. */
export class GenerationFailedError extends codedError("GENERATION_FAILED", { retryable: true }) {}

/**
 * Look on the site before asking again: the prompt was submitted, but this attempt could not find the songs it
 * made. Never retried by itself, so nothing is paid twice; `details` holds what identifies the generation
 * (`submittedAt`, `siteJobId`, `clipIds`).
 */
export class GenerationMayExistError extends codedError("GENERATION_MAY_EXIST") {}

/** Report it: two songs of one generation came back as the same bytes (the site sent one twice, or it was taken twice). */
export class DuplicateAudioError extends codedError("DUPLICATE_AUDIO") {}

/** Try again: a download did not complete. */
export class DownloadFailedError extends codedError("DOWNLOAD_FAILED", { retryable: true }) {}

/** The file is not audio that can be read (corrupt, truncated or another format). */
export class AudioInvalidError extends codedError("AUDIO_INVALID") {}

/** Try again later: a step ran past its deadline. `details.step` names it. */
export class TimeoutError extends codedError("TIMEOUT", { retryable: true }) {}

/** Try again: Chromium crashed or disconnected; the pool relaunches it. */
export class BrowserCrashedError extends codedError("BROWSER_CRASHED", { retryable: true }) {}

/** Try again: the store did not accept or return an object. Access errors are not retryable. */
export class StorageError extends codedError("STORAGE_FAILED", { retryable: true }) {}

/** Check the id: no such job, track or object. */
export class NotFoundError extends codedError("NOT_FOUND") {}

/** Use a new idempotency key, or the same request: the key was used with different input. */
export class ConflictError extends codedError("CONFLICT") {}

/** Retry after `retryAfterMs`: the queue holds as many jobs as it may. */
export class QueueFullError extends codedError("QUEUE_FULL", { retryable: true }) {
  constructor(message: string, retryAfterMs: number, options: ProducerErrorOptions = {}) {
    super(message, { ...options, details: { ...options.details, retryAfterMs } });
  }
  get retryAfterMs(): number {
    return this.details.retryAfterMs as number;
  }
}

/** Nothing to do: the work was cancelled or its signal aborted. */
export class CancelledError extends codedError("CANCELLED", { message: "The operation was cancelled." }) {}

/** Try again: the daemon (or another service) cannot be reached. */
export class UnavailableError extends codedError("UNAVAILABLE", { retryable: true }) {}

/**
 * Wait: the account this job must run on (it holds the job's submission, or the job named it) is behind a wall
 * — an expired session, a challenge, an empty balance or a rate limit — until `retryAfterMs` at the latest.
 */
export class AccountWalledError extends codedError("ACCOUNT_WALLED", { retryable: true }) {}

/**
 * Wait: the job must run on an account that no running daemon owns now (its owner stopped, or no daemon is
 * configured for it); it runs once a daemon with that account takes it over. `details.account` names it.
 */
export class AccountUnavailableError extends codedError("ACCOUNT_UNAVAILABLE", { retryable: true }) {}

/** No account can take a job now: every one is walled, paused or out of credits (`details.accounts` says which). */
export class NoAccountError extends codedError("NO_ACCOUNT") {}

/** A bug: something failed that no other code describes. The cause is kept. */
export class InternalError extends codedError("INTERNAL", { message: "Internal error." }) {}
