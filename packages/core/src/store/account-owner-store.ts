import { sql, type Kysely } from "kysely";
import type { AccountOwnersTable, Database, Dialect } from "./database.js";
import { databaseNowMs, plusMs } from "./db-clock.js";

/** Who owns an account now, as the database says. */
export interface AccountOwnerRow {
  account: string;
  instanceId: string | null;
  host: string | null;
  since: number | null;
  leaseExpiresAt: number | null;
  sessionId: string | null;
  /** The lease is live by the database's clock. */
  live: boolean;
  loginStateAt: number | null;
}

const toOwnerRow = (row: AccountOwnersTable & { live?: unknown }): AccountOwnerRow => ({
  account: row.account,
  instanceId: row.instance_id,
  host: row.host,
  since: row.since === null ? null : Number(row.since),
  leaseExpiresAt: row.lease_expires_at === null ? null : Number(row.lease_expires_at),
  sessionId: row.session_id,
  live: row.live === true || Number(row.live) === 1,
  loginStateAt: row.login_state_at === null ? null : Number(row.login_state_at),
});

/**
 * The owner of each account of a fleet, and its login state, in the shared database. Ownership is a lease on the
 * database's clock: taken when free or lapsed (or already this instance's, after a restart), renewed by the
 * owner's heartbeat, and written only while held — a daemon that lost an account cannot overwrite its login.
 */
export class AccountOwnerStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly now: () => number = Date.now,
  ) {}

  private nowMs() {
    return databaseNowMs(this.dialect, this.now);
  }

  /** Takes the account for `instanceId` when no other instance holds a live lease on it; the row when taken. */
  async take(
    account: string,
    owner: { instanceId: string; host: string },
    leaseMs: number,
  ): Promise<(AccountOwnerRow & { loginState: string | null }) | undefined> {
    const now = this.nowMs();
    const row = await this.db
      .insertInto("account_owners")
      .values({
        account,
        instance_id: owner.instanceId,
        host: owner.host,
        since: now,
        lease_expires_at: plusMs(now, leaseMs),
      })
      .onConflict((conflict) =>
        conflict
          .column("account")
          .doUpdateSet({
            instance_id: owner.instanceId,
            host: owner.host,
            // A restarted owner keeps its `since` only while its lease still ran.
            since: sql<number>`case when account_owners.instance_id = ${owner.instanceId} and account_owners.lease_expires_at > ${now} then account_owners.since else ${now} end`,
            lease_expires_at: plusMs(now, leaseMs),
          })
          .where((eb) =>
            eb.or([
              eb("account_owners.lease_expires_at", "is", null),
              eb("account_owners.lease_expires_at", "<=", now),
              eb("account_owners.instance_id", "=", owner.instanceId),
            ]),
          ),
      )
      .returningAll()
      .executeTakeFirst();
    return row ? { ...toOwnerRow({ ...row, live: true }), loginState: row.login_state } : undefined;
  }

  /** Extends the owner's lease; false when the account is no longer this instance's. */
  async renew(account: string, instanceId: string, leaseMs: number): Promise<boolean> {
    const now = this.nowMs();
    const result = await this.db
      .updateTable("account_owners")
      .set({ lease_expires_at: plusMs(now, leaseMs) })
      .where("account", "=", account)
      .where("instance_id", "=", instanceId)
      .where("lease_expires_at", ">", now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Gives the account up now (a clean stop): another daemon may take it at once. */
  async release(account: string, instanceId: string): Promise<void> {
    await this.db
      .updateTable("account_owners")
      .set({ lease_expires_at: null })
      .where("account", "=", account)
      .where("instance_id", "=", instanceId)
      .execute();
  }

  /** Stores the account's sealed login state, while `instanceId` owns it; false when it does not. */
  async saveLoginState(
    account: string,
    instanceId: string,
    sealed: string,
    sessionId: string | undefined,
  ): Promise<boolean> {
    const now = this.nowMs();
    const result = await this.db
      .updateTable("account_owners")
      .set({ login_state: sealed, login_state_at: now, session_id: sessionId ?? null })
      .where("account", "=", account)
      .where("instance_id", "=", instanceId)
      .where("lease_expires_at", ">", now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Every account's owner row, its lease judged live by the database's clock. */
  async list(): Promise<AccountOwnerRow[]> {
    const now = this.nowMs();
    const rows = await this.db
      .selectFrom("account_owners")
      .select([
        "account",
        "instance_id",
        "host",
        "since",
        "lease_expires_at",
        "session_id",
        "login_state_at",
        sql<boolean>`coalesce(lease_expires_at > ${now}, false)`.as("live"),
      ])
      .orderBy("account")
      .execute();
    return rows.map((row) => toOwnerRow({ ...row, login_state: null }));
  }

  /** The accounts other than `account` whose login has this session id and a live owner. */
  async holdersOfSession(sessionId: string, account: string): Promise<AccountOwnerRow[]> {
    return (await this.list()).filter((row) => row.sessionId === sessionId && row.account !== account && row.live);
  }
}
