import * as coded from "./coded-errors.js";
import { CancelledError, InternalError, InvalidInputError, QueueFullError } from "./coded-errors.js";
import {
  ProducerError,
  type ProducerErrorCode,
  type ProducerErrorOptions,
  type SerializedProducerError,
} from "./producer-error.js";

type Rebuild = new (message: string, options: ProducerErrorOptions) => ProducerError;

/** Each code's class, read from the classes themselves; the two that take more than a message are built by hand. */
const ERROR_CLASSES = new Map<string, Rebuild>(
  Object.values(coded)
    .filter((Class) => Class !== InvalidInputError && Class !== QueueFullError)
    .map((Class) => [Class.code, Class as Rebuild]),
);

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
      const Known = ERROR_CLASSES.get(code);
      return Known ? new Known(json.message, options) : new ProducerError(code, json.message, options);
    }
  }
}

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
