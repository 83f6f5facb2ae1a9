import { abortReason, type AccountSlots } from "@producer/utils";
import type { PoolAccount } from "./pool-account.js";

/** How often a job waiting for an account whose slots other daemons hold asks the database again. */
const SHARED_SLOT_RECHECK_MS = 250;

/**
 * The slots of each account's concurrency: a job takes one before it runs — free here, and (once shared) free
 * across every daemon on one database — and a job that finds none waits until one may have freed.
 */
export class AccountSlotGate {
  private readonly waiters = new Set<() => void>();
  /** Slots shared with the other daemons on the database, once `share` was called. */
  private shared: { store: AccountSlots; leaseMs: number } | undefined;

  /** Takes slots from `store` from now on, each leased for `leaseMs` and renewed while its job runs. */
  share(store: AccountSlots, leaseMs: number): void {
    this.shared = { store, leaseMs };
  }

  /** A slot of the account for `holder`: free here, and (with shared slots) free across the daemons on the database. */
  async take(entry: PoolAccount, holder: string): Promise<boolean> {
    if (entry.running >= entry.account.maxConcurrency) return false;
    if (!this.shared) return true;
    return this.shared.store.take(entry.account.name, entry.account.maxConcurrency, holder, this.shared.leaseMs);
  }

  /** Keeps `holder`'s shared slot leased while its job runs; what it returns gives the slot back. */
  hold(holder: string): () => Promise<void> {
    const shared = this.shared;
    const renewal = shared
      ? setInterval(() => void shared.store.renew(holder, shared.leaseMs).catch(() => undefined), shared.leaseMs / 3)
      : undefined;
    renewal?.unref();
    return async () => {
      clearInterval(renewal);
      await this.shared?.store.release(holder).catch(() => undefined);
    };
  }

  /** Resolves when a slot may have freed: one of ours, or (with shared slots) soon enough to ask the database again. */
  freed(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = this.shared ? setTimeout(() => done(), SHARED_SLOT_RECHECK_MS) : undefined;
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        reject(abortReason(signal as AbortSignal));
      };
      this.waiters.add(done);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Wakes every job waiting for a slot, to look again. */
  wake(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
