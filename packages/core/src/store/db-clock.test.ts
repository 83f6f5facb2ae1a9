import { createPostgresSchema, postgresUrl, type PostgresSchema } from "@producer/test-utils";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { JobInput } from "../generate-input.js";
import { AccountSlotStore } from "./account-slot-store.js";
import { openDatabase, type ProducerDatabase } from "./database.js";
import { JobStore } from "./job-store.js";
import { migrateToLatest } from "./migrations.js";

/** A machine whose clock runs a minute ahead of the database's. */
const AHEAD_MS = 60_000;
const LEASE_MS = 2000;
const ahead = () => Date.now() + AHEAD_MS;

const input: JobInput = { prompt: "skewed", instrumental: false, format: "wav", priority: 0 };
const insert = (jobs: JobStore) =>
  jobs.insert({ input, maxAttempts: 3, maxQueued: 1000, retryAfterMs: async () => 1000 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!postgresUrl)("PostgreSQL: leases on the database's clock", () => {
  let schema: PostgresSchema<pg.Client>;
  let database: ProducerDatabase;

  beforeEach(async () => {
    schema = await createPostgresSchema(pg.Client, "producer_db_clock");
    database = openDatabase({ database: { url: schema.url, dialect: "postgres", poolSize: 4 } });
    await migrateToLatest(database.db, database.dialect);
  });
  afterEach(async () => {
    await database.close();
    await schema.drop();
  });

  it("a store whose clock is a minute ahead takes no running job whose lease is live; one takes it once it lapses", async () => {
    const honest = new JobStore(database.db, "postgres");
    const skewed = new JobStore(database.db, "postgres", ahead);
    const { row } = await insert(honest);
    expect((await honest.claim("honest-worker", LEASE_MS))?.id).toBe(row.id);
    // By its own clock the lease ran out a minute ago; by the database's it is live.
    expect(await skewed.claim("skewed-worker", LEASE_MS)).toBeUndefined();
    // Its renewals keep it live too, whatever the renewing machine's clock says.
    expect((await honest.renew(row.id, "honest-worker", LEASE_MS)).held).toBe(true);
    expect(await skewed.claim("skewed-worker", LEASE_MS)).toBeUndefined();

    await sleep(LEASE_MS + 500);
    const taken = await new JobStore(database.db, "postgres").claim("next-worker", LEASE_MS);
    expect(taken?.id).toBe(row.id);
    expect(Number(taken?.attempts)).toBe(2);
    // The lease it holds ends by the database's clock, not a minute later.
    const { rows } = await schema.admin.query<{ left_ms: string }>(
      `select lease_expires_at - (extract(epoch from clock_timestamp()) * 1000)::bigint as left_ms from ${schema.name}.jobs`,
    );
    expect(Number(rows[0]?.left_ms)).toBeLessThanOrEqual(LEASE_MS);
  });

  it("a job queued by a machine whose clock is ahead is due at once for the others, and its times are the database's", async () => {
    const skewed = new JobStore(database.db, "postgres", ahead);
    const honest = new JobStore(database.db, "postgres");
    const before = Date.now();
    const { row } = await insert(skewed);
    expect(Number(row.run_after)).toBeLessThan(before + 5000);
    expect(Number(row.updated_at)).toBeLessThan(before + 5000);
    expect((await honest.claim("honest-worker", LEASE_MS))?.id).toBe(row.id);
    expect(await skewed.requeue(row.id, "honest-worker", { delayMs: 0 })).toBe(true);
    expect((await honest.claim("honest-worker", LEASE_MS))?.id).toBe(row.id);
  });

  it("an account slot held live is not counted as expired by a daemon whose clock is ahead", async () => {
    const honest = new AccountSlotStore(database.db, "postgres");
    const skewed = new AccountSlotStore(database.db, "postgres", ahead);
    expect(await honest.take("x", 1, "honest-holder", LEASE_MS)).toBe(true);
    expect(await skewed.take("x", 1, "skewed-holder", LEASE_MS)).toBe(false);
    expect(await skewed.held()).toEqual({ x: 1 });
    await sleep(LEASE_MS + 500);
    expect(await skewed.take("x", 1, "skewed-holder", LEASE_MS)).toBe(true);
  });
});
