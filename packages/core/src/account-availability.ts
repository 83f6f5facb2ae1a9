import type { JobWaiting } from "./job.js";
import type { AccountOwnerRow } from "./store/account-owner-store.js";

/** Each account's owner row as last read, and when. */
export interface AccountOwnerSnapshot {
  readAt: number;
  owners: ReadonlyMap<string, AccountOwnerRow>;
}

/**
 * Why a queued job bound to `account` waits, when no running daemon of the fleet owns that account: it is never
 * run on another account (its songs, or its pin, are that account's), so it waits for a daemon that takes it.
 */
export function accountUnavailable(
  account: string,
  snapshot: AccountOwnerSnapshot | undefined,
): JobWaiting | undefined {
  if (!snapshot) return undefined;
  const owner = snapshot.owners.get(account);
  if (owner?.live) return undefined;
  const since = new Date(owner?.leaseExpiresAt ?? snapshot.readAt).toISOString();
  const reason = owner?.instanceId
    ? `No running daemon owns account ${account}: its last owner, ${owner.instanceId} on ${owner.host}, stopped at ${since}. The job runs once a daemon configured for ${account} takes it over; it never runs on another account.`
    : `No running daemon owns account ${account}: none configured for it has started. The job runs once one does; it never runs on another account.`;
  return { code: "ACCOUNT_UNAVAILABLE", reason, since };
}
