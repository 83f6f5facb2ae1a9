import { sql, type Kysely } from "kysely";
import type { AccountSlots } from "@producer/utils";
import type { Database, Dialect } from "./database.js";
import { databaseNowMs, plusMs } from "./db-clock.js";

/**
 * Account slots in the shared database. Taking one is a single conditional insert (SQLite runs it under its write
 * lock), or, on PostgreSQL, the same insert under a transaction-scoped advisory lock on the account, so two
 * daemons asking at once never both get the last slot. On PostgreSQL a slot's lease is told by the database's
 * clock, so a daemon whose clock runs ahead cannot count a live slot as expired.
 */
export class AccountSlotStore implements AccountSlots {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly now: () => number = Date.now,
  ) {}

  async take(account: string, max: number, holder: string, leaseMs: number): Promise<boolean> {
    const now = databaseNowMs(this.dialect, this.now);
    const insert = async (db: Kysely<Database>) => {
      await db.deleteFrom("account_slots").where("account", "=", account).where("expires_at", "<=", now).execute();
      const result = await sql`
        insert into account_slots (holder, account, expires_at)
        select ${holder}, ${account}, ${plusMs(now, leaseMs)}
        where (select count(*) from account_slots where account = ${account} and expires_at > ${now}) < ${max}`.execute(
        db,
      );
      return Number(result.numAffectedRows ?? 0) === 1;
    };
    if (this.dialect === "sqlite") return insert(this.db);
    return this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`producer-account:${account}`}))`.execute(trx);
      return insert(trx);
    });
  }

  async renew(holder: string, leaseMs: number): Promise<void> {
    await this.db
      .updateTable("account_slots")
      .set({ expires_at: plusMs(databaseNowMs(this.dialect, this.now), leaseMs) })
      .where("holder", "=", holder)
      .execute();
  }

  async release(holder: string): Promise<void> {
    await this.db.deleteFrom("account_slots").where("holder", "=", holder).execute();
  }

  /** Slots held now, by account (for reports and tests). */
  async held(): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom("account_slots")
      .select(["account", (eb) => eb.fn.countAll<number>().as("count")])
      .where("expires_at", ">", databaseNowMs(this.dialect, this.now))
      .groupBy("account")
      .execute();
    return Object.fromEntries(rows.map((row) => [row.account, Number(row.count)]));
  }
}
