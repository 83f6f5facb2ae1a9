import { sql, type RawBuilder } from "kysely";
import type { Dialect } from "./database.js";

/**
 * PostgreSQL's own clock in epoch milliseconds, read when the statement runs. Several daemons on one database
 * compare leases with it, so a machine whose clock is off cannot take a job (or an account) whose lease is live.
 */
export const postgresNowMs: RawBuilder<number> = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/**
 * "Now" for a store's statements, in epoch milliseconds: the database's clock on PostgreSQL (shared by every
 * daemon, whatever their own clocks say); on SQLite, which one machine shares, the store's injected clock, so tests
 * can move time.
 */
export function databaseNowMs(dialect: Dialect, now: () => number): RawBuilder<number> {
  return dialect === "postgres" ? postgresNowMs : sql<number>`${now()}`;
}

/** `now` plus `ms`, in SQL: a lease's end or a job's run-after. */
export function plusMs(now: RawBuilder<number>, ms: number): RawBuilder<number> {
  return sql<number>`(${now} + ${Math.round(ms)})`;
}
