import { AccountUnavailableError } from "./errors.js";

/**
 * Refuses, before anything is sent, to run a job bound to an account that is not among `here` (the accounts
 * this daemon runs): the songs of a submission are in the library of the account it was made on, and only there,
 * so another account would find nothing — or submit again and pay twice. The job waits for a daemon that runs it
 * (`ACCOUNT_UNAVAILABLE`, retryable). `bound` is the submission's account, or else the one the job names.
 */
export function assertAccountRunsHere(bound: string | undefined, here: readonly string[], retryAfterMs?: number): void {
  if (!bound || here.includes(bound)) return;
  throw new AccountUnavailableError(
    `The job is bound to account ${bound}, which this daemon does not run (it runs ${here.join(", ") || "none"}); it waits for a daemon that does. Nothing was sent.`,
    { details: { account: bound, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) } },
  );
}
