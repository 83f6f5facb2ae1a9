import { CancelledError, ProducerError } from "./errors.js";

/** Resolves after `ms`, or rejects with `CancelledError` as soon as `signal` aborts. The timer never holds the process open. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    timer.unref?.();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The error an aborted signal stands for: its reason when that is a producer error, else `CancelledError`. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (ProducerError.isInstance(reason)) return reason;
  return new CancelledError(reason instanceof Error ? reason.message : "The operation was cancelled.", {
    cause: reason,
  });
}

export interface RetryOptions {
  /** Tries in all, the first included. */
  maxAttempts?: number;
  /** Ceiling of the first delay; each attempt doubles it. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  /** Whether this error is worth another try. Defaults to the error's `retryable` flag (false for foreign errors). */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** Called before each wait. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** For tests: a source of numbers in [0, 1). */
  random?: () => number;
}

/** Exponential backoff with full jitter: a random delay in [0, min(max, base · 2^(attempt-1))). */
export function backoffDelay(
  attempt: number,
  options: { baseDelayMs: number; maxDelayMs: number; random?: () => number },
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor((options.random ?? Math.random)() * ceiling);
}

const defaultShouldRetry = (error: unknown) => ProducerError.isInstance(error) && error.retryable;

/**
 * Runs `operation` until it succeeds, an error is not retryable, attempts run out or `signal` aborts.
 * A `retryAfterMs` in an error's details is honoured as the least wait.
 */
export async function retry<T>(
  operation: (attempt: number, signal: AbortSignal | undefined) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 3;
  const shouldRetry = options.shouldRetry ?? defaultShouldRetry;
  for (let attempt = 1; ; attempt += 1) {
    if (options.signal?.aborted) throw abortReason(options.signal);
    try {
      return await operation(attempt, options.signal);
    } catch (error) {
      if (options.signal?.aborted) throw abortReason(options.signal);
      if (attempt >= maxAttempts || !shouldRetry(error, attempt)) throw error;
      const hinted = ProducerError.isInstance(error) ? Number(error.details.retryAfterMs ?? 0) : 0;
      const delayMs = Math.max(
        hinted,
        backoffDelay(attempt, {
          baseDelayMs: options.baseDelayMs ?? 1000,
          maxDelayMs: options.maxDelayMs ?? 30_000,
          random: options.random,
        }),
      );
      options.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs, options.signal);
    }
  }
}
