import type { Page } from "playwright";
import { BrowserCrashedError, sleep, TimeoutError } from "@producer/utils";

/**
 * A page that closed under a wait (its Chromium killed or crashed): a wait must end at once with a retryable
 * crash, not read every failed look as "not there yet" until its deadline.
 */
export function throwIfClosed(page: Page): void {
  if (page.isClosed())
    throw new BrowserCrashedError("Chromium crashed or disconnected: the page closed while it was watched.");
}

/** `fallback` for a look at the page that failed, unless it failed because the page is gone. */
export function unlessClosed<T>(page: Page, fallback: T): () => T {
  return () => {
    throwIfClosed(page);
    return fallback;
  };
}

/** A named condition on the page, checked by polling. */
export type PageCondition = () => Promise<boolean>;

/**
 * Polls the conditions, all at once, until one holds and returns its name (the first listed wins a tie). Polling, rather than
 * one browser-side wait, lets any Playwright selector be used, lets blockers such as a login wall or a challenge
 * end the wait at once, and stops as soon as `signal` aborts.
 */
export async function waitForFirst<Name extends string>(
  conditions: Record<Name, PageCondition>,
  options: { timeoutMs: number; step: string; signal?: AbortSignal; intervalMs?: number },
): Promise<Name> {
  const deadline = Date.now() + options.timeoutMs;
  const entries = Object.entries(conditions) as Array<[Name, PageCondition]>;
  for (;;) {
    // Asked together (their round trips to the browser overlap); the first listed that holds wins.
    const held = await Promise.all(entries.map(([, condition]) => condition()));
    const index = held.indexOf(true);
    if (index >= 0) return (entries[index] as [Name, PageCondition])[0];
    if (Date.now() >= deadline) {
      throw new TimeoutError(`Step "${options.step}" did not finish within ${options.timeoutMs} ms.`, {
        details: { step: options.step, timeoutMs: options.timeoutMs },
      });
    }
    await sleep(Math.min(options.intervalMs ?? 100, Math.max(0, deadline - Date.now())), options.signal);
  }
}
