import { type AccountOwner, type Logger, openSealedText, ProducerError, sealText, silentLogger } from "@producer/utils";
import type { AccountOwnerStore } from "./store/account-owner-store.js";

export interface AccountOwnershipOptions {
  store: AccountOwnerStore;
  /** The accounts this daemon is configured for. */
  accounts: readonly string[];
  /** This daemon's instance id and host, as the owner rows name them. */
  instanceId: string;
  host: string;
  /** `accountPool.stateKey`: seals every login state kept in the database. */
  stateKey: string;
  leaseMs: number;
  logger?: Logger;
  /**
   * Called once an account is this daemon's, before any job of it runs: with the login state the database holds
   * (the JSON text), or undefined when it holds none yet. The daemon opens the account with it.
   */
  onGained: (account: string, loginState: string | undefined) => Promise<void>;
  /** Called when an account stopped being this daemon's (its lease was taken over): the daemon closes it. */
  onLost: (account: string) => Promise<void>;
  /**
   * The login state this daemon holds for an account (imported here), stored in the database when the database
   * holds none yet: the first owner's login becomes the fleet's.
   */
  localLoginState?: (account: string) => string | undefined;
  /** The Supabase session id of a login state's access token, to catch one login owned under two names. */
  sessionIdOf?: (loginState: string) => string | undefined;
}

/** Why an account this daemon is configured for is not its own now. */
export interface NotOwnedReason {
  account: string;
  reason: string;
}

const label = (account: string) => `account ${account}`;

/**
 * One owner per account across a fleet. Every third of the lease, each configured account is renewed when it is
 * this daemon's, or taken when its owner's lease lapsed (a daemon that died): the new owner signs in from the
 * login state the old one kept in the database, so a login is never refreshed by two daemons at once. A login
 * whose session another account already owns is refused, and said so.
 */
export class AccountOwnership {
  private readonly owned = new Set<string>();
  private readonly refused = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private tick: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly logger: Logger;

  constructor(private readonly options: AccountOwnershipOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  /** The accounts this daemon owns now: the only ones it opens, refreshes and runs jobs on. */
  ownedAccounts(): string[] {
    return this.options.accounts.filter((account) => this.owned.has(account));
  }

  isOwned(account: string): boolean {
    return this.owned.has(account);
  }

  /** Takes what it can now, then keeps renewing and taking over on a timer. */
  async start(): Promise<void> {
    await this.runOnce();
    const everyMs = Math.max(200, Math.floor(this.options.leaseMs / 3));
    const loop = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.tick = this.runOnce().finally(loop);
      }, everyMs);
      this.timer.unref();
    };
    loop();
  }

  /** One round: renew what is owned, take what lapsed. Never throws: a database hiccup waits for the next round. */
  runOnce(): Promise<void> {
    const round = this.tick.then(async () => {
      for (const account of this.options.accounts) {
        if (this.stopped) return;
        try {
          if (this.owned.has(account)) await this.renew(account);
          else await this.tryTake(account);
        } catch (error) {
          this.logger.warn({ account, error: (error as Error).message }, "account ownership round failed");
        }
      }
    });
    this.tick = round.catch(() => undefined);
    return round;
  }

  private async renew(account: string): Promise<void> {
    const { store, instanceId, leaseMs } = this.options;
    if (await store.renew(account, instanceId, leaseMs)) return;
    this.owned.delete(account);
    this.logger.warn({ account }, "another daemon owns this account now; closing it here");
    await this.options.onLost(account);
  }

  private async tryTake(account: string): Promise<void> {
    const { store, instanceId, host, leaseMs, stateKey } = this.options;
    const row = await store.take(account, { instanceId, host }, leaseMs);
    if (!row) return;
    let refusal: string | undefined;
    try {
      const loginState = row.loginState ? openSealedText(row.loginState, stateKey, label(account)) : undefined;
      // The first owner brings the login imported on its machine; it becomes the fleet's once checked.
      const local = loginState ? undefined : this.options.localLoginState?.(account);
      const candidate = loginState ?? local;
      refusal = candidate ? await this.sessionConflict(account, candidate) : undefined;
      if (!refusal) {
        await this.options.onGained(account, loginState);
        this.owned.add(account);
        this.refused.delete(account);
        if (local) await this.saveLoginState(account, local);
        this.logger.info(
          { account, instanceId, fromDatabase: loginState !== undefined },
          "this daemon owns the account",
        );
        return;
      }
    } catch (error) {
      refusal = (error as Error).message;
    }
    // What cannot be opened here is given back at once, for a daemon that can.
    await store.release(account, instanceId);
    if (this.refused.get(account) !== refusal) this.logger.error({ account, reason: refusal }, "account not taken");
    this.refused.set(account, refusal);
  }

  private async sessionConflict(account: string, loginState: string): Promise<string | undefined> {
    const sessionId = this.options.sessionIdOf?.(loginState);
    if (!sessionId) return undefined;
    const holders = await this.options.store.holdersOfSession(sessionId, account);
    const holder = holders[0];
    if (!holder) return undefined;
    return `Account ${account} holds the same login as account ${holder.account}, owned by ${holder.instanceId} on ${holder.host}: one login refreshed by two owners signs both out. Import another login for ${account}.`;
  }

  /** Seals a login state the owner's page just saved and stores it; false when this daemon no longer owns it. */
  async saveLoginState(account: string, loginState: string): Promise<boolean> {
    if (!this.owned.has(account)) return false;
    const { store, instanceId, stateKey } = this.options;
    const sealed = sealText(loginState, stateKey, label(account));
    const saved = await store.saveLoginState(account, instanceId, sealed, this.options.sessionIdOf?.(loginState));
    if (!saved) this.logger.warn({ account }, "the login state was not stored: this daemon no longer owns the account");
    return saved;
  }

  /** Each configured account's owner now (null when none), and why this daemon does not own one it could. */
  async owners(): Promise<Map<string, AccountOwner | null>> {
    const rows = await this.options.store.list();
    const owners = new Map<string, AccountOwner | null>();
    for (const account of this.options.accounts) {
      const row = rows.find((one) => one.account === account);
      owners.set(
        account,
        row?.live && row.instanceId
          ? {
              instance: row.instanceId,
              host: row.host ?? "",
              since: new Date(row.since ?? 0).toISOString(),
              self: row.instanceId === this.options.instanceId,
            }
          : null,
      );
    }
    return owners;
  }

  /** Why an account this daemon is configured for is not its own (another owner, or a refused login). */
  refusal(account: string): string | undefined {
    return this.refused.get(account);
  }

  /** Stops the rounds and gives every owned account up, so another daemon can take it at once. */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.tick;
    const { store, instanceId } = this.options;
    for (const account of [...this.owned]) {
      this.owned.delete(account);
      await store.release(account, instanceId).catch(() => undefined);
    }
  }
}

/** INVALID_CONFIG when a fleet (PostgreSQL) has no key to seal login states with. */
export function requireStateKey(stateKey: string | undefined): string {
  if (stateKey) return stateKey;
  throw new ProducerError(
    "INVALID_CONFIG",
    "With PostgreSQL every daemon keeps each account's login state in the database, encrypted: set accountPool.stateKey (PRODUCER_ACCOUNT_POOL_STATE_KEY) to the same secret of 32 characters or more on every daemon, e.g. `openssl rand -base64 32`.",
    { details: { key: "accountPool.stateKey", env: "PRODUCER_ACCOUNT_POOL_STATE_KEY" } },
  );
}
