import type { ProducerConfig } from "@producer/config";
import type { Dialect } from "./store/database.js";
import { accountUnavailable, type AccountOwnerSnapshot } from "./account-availability.js";
import type { Job } from "./job.js";
import type { PauseState } from "./queue-pause.js";
import type { AccountOwnerStore } from "./store/account-owner-store.js";
import { toJob, type JobRow } from "./store/job-row.js";
import type { Track } from "./job.js";

/**
 * Jobs as callers see them: a row, its tracks, and why a queued job is not running — its account owned by no
 * running daemon of the fleet, or a queue paused by a session problem.
 */
export class JobViews {
  private ownerSnapshot: AccountOwnerSnapshot | undefined;

  constructor(
    private readonly dialect: Dialect,
    private readonly accountOwners: AccountOwnerStore,
    /** The queue's pause, when it is paused. */
    private readonly paused: () => PauseState | undefined,
  ) {}

  /** The rows as jobs, each queued one saying why it waits. */
  async of(rows: JobRow[], tracksOf: (row: JobRow) => Track[] = () => []): Promise<Job[]> {
    const owners = rows.some((row) => row.status === "queued") ? await this.owners() : undefined;
    return rows.map((row) => this.withWaiting(toJob(row, tracksOf(row)), owners));
  }

  /** Every account some daemon of the fleet has taken (a job may name one another daemon runs); none on SQLite. */
  async fleetAccounts(): Promise<string[]> {
    return [...((await this.owners())?.owners.keys() ?? [])];
  }

  /** The accounts a job may name: the configured ones and, when one is named, every account a fleet daemon took. */
  async knownAccounts(config: ProducerConfig, named: string | null | undefined): Promise<string[]> {
    const fleetAccounts = named ? await this.fleetAccounts() : [];
    return [...new Set([...config.accounts.map((account) => account.name), ...fleetAccounts])];
  }

  private withWaiting(job: Job, owners: AccountOwnerSnapshot | undefined): Job {
    if (job.status !== "queued") return job;
    const unowned = job.account ? accountUnavailable(job.account, owners) : undefined;
    if (unowned) return { ...job, waiting: unowned };
    const paused = this.paused();
    return paused ? { ...job, waiting: { ...paused } } : job;
  }

  /** Each account's owner in a fleet (PostgreSQL), read at most once a second; undefined on SQLite. */
  private async owners(): Promise<AccountOwnerSnapshot | undefined> {
    if (this.dialect !== "postgres") return undefined;
    const stale = !this.ownerSnapshot || Date.now() - this.ownerSnapshot.readAt > 1000;
    if (stale) {
      const rows = await this.accountOwners.list().catch(() => undefined);
      if (rows) this.ownerSnapshot = { readAt: Date.now(), owners: new Map(rows.map((row) => [row.account, row])) };
    }
    return this.ownerSnapshot;
  }
}
