import os from "node:os";
import type { ProducerConfig } from "@producer/config";
import { AccountOwnership, requireStateKey, type ProducerService } from "@producer/core";
import { type AccountPool, type LoginState, readLoginState, sessionIdOf } from "@producer/session";
import type { AccountReport, Logger, SessionCheckOptions, SessionStatus } from "@producer/utils";

/** Whether daemons share this configuration's database (PostgreSQL): each account then has one owner among them. */
export const isFleet = (config: ProducerConfig): boolean => config.database.dialect === "postgres";

/** INVALID_CONFIG, at start, when a fleet has no key to seal its login states with. */
export function checkFleetConfig(config: ProducerConfig): void {
  if (isFleet(config)) requireStateKey(config.accountPool.stateKey);
}

const parseState = (text: string) => JSON.parse(text) as LoginState;

/**
 * One daemon's part in a fleet: it opens only the accounts it owns. An account it takes signs in from the login
 * state kept in the database (the last owner's, rotated up to its last refresh), or, the first time, from the
 * state imported here, which is then stored; every login state its pages save afterwards (each refresh) is stored
 * again, sealed, so a daemon that takes over never reuses a spent refresh token.
 */
export class Fleet {
  readonly ownership: AccountOwnership;
  /** Accounts whose login is being taken in from the database on a takeover. */
  private readonly takingOver = new Set<string>();

  constructor(
    config: ProducerConfig,
    service: ProducerService,
    private readonly pool: AccountPool,
    private readonly logger: Logger,
  ) {
    this.ownership = new AccountOwnership({
      store: service.accountOwners,
      accounts: config.accounts.map((account) => account.name),
      instanceId: service.instanceId,
      host: os.hostname(),
      stateKey: requireStateKey(config.accountPool.stateKey),
      leaseMs: config.accountPool.ownerLeaseMs,
      logger,
      sessionIdOf: (text) => sessionIdOf(parseState(text)),
      localLoginState: (account) => {
        const state = readLoginState(pool.session(account).account.stateFile);
        return state ? JSON.stringify(state) : undefined;
      },
      onGained: (account, loginState) => this.gained(account, loginState),
      onLost: (account) => this.pool.setOwned(account, false, "another daemon took it over"),
    });
    for (const session of pool.sessions) {
      const account = session.account.name;
      // A refresh saved by the page, and a login imported while the daemon runs: both go to the database.
      session.onLoginStateSaved((state) => void this.store(account, JSON.stringify(state)));
      session.onLoginStateChanged(() => {
        // A takeover's import came from the database: nothing to write back.
        if (this.takingOver.has(account)) return;
        const state = readLoginState(session.account.stateFile);
        if (state) void this.store(account, JSON.stringify(state));
      });
    }
  }

  /** Marks every account unowned, then takes what it can; the rest is taken over as owners' leases lapse. */
  async start(): Promise<void> {
    for (const session of this.pool.sessions) await this.pool.setOwned(session.account.name, false, "not taken yet");
    await this.ownership.start();
    // Chromium is up even on a daemon that stands by, so a takeover only opens the account's context.
    void this.pool.host
      .browser()
      .catch((error: unknown) =>
        this.logger.warn({ error: (error as Error).message }, "chromium did not start; a takeover launches it"),
      );
  }

  /** The accounts whose jobs this daemon may claim. */
  ownedAccounts(): string[] {
    return this.ownership.ownedAccounts();
  }

  /** The reports with each account's owner, and why this daemon does not own one. */
  async withOwners(reports: AccountReport[]): Promise<AccountReport[]> {
    const owners = await this.ownership.owners().catch(() => new Map());
    return reports.map((report) => {
      const owner = owners.get(report.name) ?? null;
      if (owner?.self) return { ...report, owner };
      const notOwnedReason =
        this.ownership.refusal(report.name) ??
        (owner
          ? `owned by ${owner.instance} on ${owner.host} since ${owner.since}`
          : "no daemon owns it now; this daemon takes it at its next round");
      return { ...report, owner, notOwnedReason };
    });
  }

  /**
   * The session check of what this daemon owns. A daemon that owns no account stands by: it takes and queues jobs,
   * which the owners run, and takes an account over when its owner stops — so it is ready, and says why.
   */
  async checkSession(options: SessionCheckOptions = {}): Promise<SessionStatus> {
    const owned = this.ownedAccounts();
    if (owned.length > 0) return this.pool.checkSession(options);
    const owners = [...(await this.ownership.owners()).entries()]
      .map(([account, owner]) => (owner ? `${account} by ${owner.instance} on ${owner.host}` : `${account} by none`))
      .join(", ");
    return {
      valid: true,
      reason: `This daemon owns no account now and stands by: its jobs run on the daemons that own their accounts (${owners}).`,
      checkedAt: new Date().toISOString(),
    };
  }

  /** Gives every owned account up, so another daemon can take it at once. */
  close(): Promise<void> {
    return this.ownership.close();
  }

  private async gained(account: string, loginState: string | undefined): Promise<void> {
    const session = this.pool.session(account);
    this.takingOver.add(account);
    try {
      if (loginState) await session.importLoginState(parseState(loginState));
    } finally {
      this.takingOver.delete(account);
    }
    await this.pool.setOwned(account, true);
    // Warm, so its first job finds it signed in; a failed check only says so (jobs check again).
    void session
      .start()
      .then(() => this.pool.checkSession({ force: true }))
      .catch((error: unknown) => this.logger.warn({ account, error: (error as Error).message }, "warm-up failed"));
  }

  private async store(account: string, loginState: string): Promise<void> {
    await this.ownership
      .saveLoginState(account, loginState)
      .catch((error: unknown) =>
        this.logger.error({ account, error: (error as Error).message }, "the login state was not stored"),
      );
  }
}
