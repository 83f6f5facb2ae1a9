import type { ProducerConfig } from "@producer/config";
import { abortReason, AccountUnavailableError, NoAccountError, NotFoundError } from "@producer/utils";
import type { AccountSlotGate } from "./account-slots.js";
import type { PoolAccount } from "./pool-account.js";

/**
 * Chooses the account a job runs on, once it has a free slot: the one the job names, or else one picked among the
 * usable ones — signed in, not walled, not paused, with a balance of at least one generation (re-read when older
 * than `accountPool.creditsMaxAgeSecs`) — the least recently used, weighted.
 */
export class AccountPicker {
  constructor(
    private readonly accounts: ReadonlyMap<string, PoolAccount>,
    private readonly slots: AccountSlotGate,
    private readonly config: ProducerConfig,
  ) {}

  /** One account by name; NOT_FOUND names the known ones. */
  get(name: string): PoolAccount {
    const entry = this.accounts.get(name);
    if (!entry) {
      throw new NotFoundError(
        `There is no account ${JSON.stringify(name)}; the accounts are ${[...this.accounts.keys()].join(", ")}.`,
        {
          details: { account: name },
        },
      );
    }
    return entry;
  }

  /** The account a job must run on, once it has a free slot; walled, it says until when. */
  async pinned(name: string, holder: string, signal: AbortSignal | undefined): Promise<PoolAccount> {
    const entry = this.get(name);
    for (;;) {
      if (signal?.aborted) throw abortReason(signal);
      if (!entry.owned) throw unavailable(entry);
      entry.liftExpired(Date.now());
      if (entry.wall) throw entry.walledError();
      if (await this.slots.take(entry, holder)) return entry;
      await this.slots.freed(signal);
    }
  }

  /** Picks a usable account with a free slot, waiting for a slot when every usable one is busy. */
  async pick(tried: Set<string>, holder: string, signal: AbortSignal | undefined): Promise<PoolAccount> {
    for (;;) {
      if (signal?.aborted) throw abortReason(signal);
      const now = Date.now();
      // A failed check that walled nothing (a timeout, a crash) is trusted for session.checkCacheSecs, then retried.
      const checkAgeMs = this.config.session.checkCacheSecs * 1000;
      const failedLately = (entry: PoolAccount) =>
        entry.status?.valid === false && now - Date.parse(entry.status.checkedAt) < checkAgeMs;
      const candidates = [...this.accounts.values()].filter((entry) => {
        entry.liftExpired(now);
        return entry.owned && !tried.has(entry.name) && !entry.paused && !entry.wall && !failedLately(entry);
      });
      // A balance too old to trust, or a check that failed, is read again first.
      const maxAgeMs = this.config.accountPool.creditsMaxAgeSecs * 1000;
      await Promise.all(
        candidates
          .filter(
            (entry) => entry.running === 0 && (now - entry.creditsReadAt > maxAgeMs || entry.status?.valid === false),
          )
          .map(async (entry) => {
            const status = await entry.session.checkSession({ force: true, ...(signal ? { signal } : {}) });
            entry.noteStatus(status);
          }),
      );
      const usable = candidates.filter((entry) => entry.usable());
      if (usable.length === 0) throw this.noAccountError(tried);
      // Least recently used, weighted: the longest idle for its weight goes first, if it has a free slot.
      const ranked = usable
        .filter((entry) => entry.running < entry.account.maxConcurrency)
        .sort((a, b) => (now - b.lastUsed) * b.account.weight - (now - a.lastUsed) * a.account.weight);
      for (const entry of ranked) if (await this.slots.take(entry, holder)) return entry;
      await this.slots.freed(signal);
    }
  }

  /** `NO_ACCOUNT`, naming why each account cannot take the job. */
  noAccountError(tried: Set<string> = new Set()): NoAccountError {
    const accounts = [...this.accounts.values()].map((entry) => ({
      name: entry.name,
      state: entry.whyNot(tried.has(entry.name)),
    }));
    return new NoAccountError(
      `No account can take a job now: ${accounts.map((account) => `${account.name} ${account.state}`).join("; ")}.`,
      { details: { accounts } },
    );
  }
}

/** The job must run on an account another daemon owns (or none does now): it waits for that account's owner. */
function unavailable(entry: PoolAccount): AccountUnavailableError {
  return new AccountUnavailableError(
    `The job must run on account ${entry.name}, which this daemon does not own (${entry.notOwnedReason ?? "another daemon owns it"}); it waits for the daemon that does.`,
    { details: { account: entry.name, ...(entry.notOwnedReason ? { reason: entry.notOwnedReason } : {}) } },
  );
}
