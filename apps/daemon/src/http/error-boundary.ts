import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
  InvalidInputError,
  toProducerError,
  type Logger,
  type ProducerError,
  type ProducerErrorCode,
} from "@producer/utils";
import type { AppEnv } from "./app-deps.js";
import { isOpenAIPath, openAIError } from "./openai/shapes.js";

/** The one place an error code becomes an HTTP status: a new code not given one here fails the typecheck. */
const STATUS_BY_CODE: Record<ProducerErrorCode, ContentfulStatusCode> = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  NOT_FOUND: 404,
  CONFLICT: 409,
  CANCELLED: 409,
  QUEUE_FULL: 429,
  INVALID_CONFIG: 500,
  INTERNAL: 500,
  SITE_CHANGED: 502,
  GENERATION_FAILED: 502,
  GENERATION_MAY_EXIST: 502,
  DUPLICATE_AUDIO: 502,
  DOWNLOAD_FAILED: 502,
  AUDIO_INVALID: 502,
  STORAGE_FAILED: 502,
  BROWSER_NOT_FOUND: 503,
  DISABLED: 503,
  SESSION_EXPIRED: 503,
  SESSION_REVOKED: 503,
  LOGIN_FAILED: 503,
  CHALLENGE: 503,
  QUOTA_EXHAUSTED: 503,
  UPLOAD_REFUSED: 422,
  ACCOUNT_WALLED: 503,
  ACCOUNT_UNAVAILABLE: 503,
  NO_ACCOUNT: 503,
  BROWSER_CRASHED: 503,
  UNAVAILABLE: 503,
  TIMEOUT: 504,
};

export const statusForCode = (code: string): ContentfulStatusCode => STATUS_BY_CODE[code as ProducerErrorCode] ?? 500;

function fromHttpException(error: HTTPException): ProducerError {
  const status = error.status;
  if (status === 413) {
    return new InvalidInputError(error.message || "The request body is too large.", [
      { path: "", message: "body too large" },
    ]);
  }
  return toProducerError(error);
}

/**
 * Turns anything a route threw into `{ error: { code, message, retryable, details }, requestId }` with the status
 * its code stands for. An internal error's message is not shown (it is logged with the request id).
 */
export function errorResponse(error: unknown, c: Context<AppEnv>, logger: Logger): Response {
  const failure = error instanceof HTTPException ? fromHttpException(error) : toProducerError(error);
  const status = error instanceof HTTPException && error.status === 413 ? 413 : statusForCode(failure.code);
  // Absent when the failure came before the request-id middleware ran.
  const requestId: string | undefined = c.get("requestId");
  const body = failure.toJSON();
  if (status >= 500) {
    logger.error({ requestId, code: failure.code, error }, failure.message);
    if (failure.code === "INTERNAL") body.message = `Internal error; see the daemon log for request ${requestId}.`;
  } else {
    logger.info({ requestId, code: failure.code, status }, failure.message);
  }
  const headers: Record<string, string> = {};
  if (failure.code === "RATE_LIMITED")
    headers["retry-after"] = String(Math.max(1, Math.ceil(Number(failure.details.retryAfterMs ?? 1000) / 1000)));
  if (failure.code === "QUEUE_FULL")
    headers["retry-after"] = String(Math.max(1, Math.ceil(Number(failure.details.retryAfterMs ?? 1000) / 1000)));
  if (failure.code === "UNAUTHORIZED") headers["www-authenticate"] = 'Bearer realm="producer"';
  // OpenAI clients read their own error shape, and retry what is not marked as not worth retrying.
  if (isOpenAIPath(c.req.path)) {
    if (!failure.retryable) headers["x-should-retry"] = "false";
    return c.json(openAIError(failure, body.message, status), status, headers);
  }
  return c.json({ error: body, requestId }, status, headers);
}
