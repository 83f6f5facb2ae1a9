import type { Page } from "playwright";
import { abortReason, ProducerError } from "@producer/utils";

/** Races a Playwright promise with the signal; the abandoned promise's rejection is swallowed. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  promise.catch(() => undefined);
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** The page last brought to the front in each browser. */
const FRONT = new WeakMap<object, Page>();

/** Brings `page` to the front unless it already is (the last one brought there in its browser). */
export async function bringToFront(page: Page): Promise<void> {
  const owner = page.context().browser() ?? page.context();
  if (FRONT.get(owner) === page && !page.isClosed()) return;
  await page.bringToFront();
  FRONT.set(owner, page);
}

/** A Playwright wait that ran out (not one of our own timeouts). */
export const isPlaywrightTimeout = (error: unknown) =>
  error instanceof Error && error.name === "TimeoutError" && !ProducerError.isInstance(error);
