import path from "node:path";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createPostgresSchema, makeTempDir, postgresUrl, removeDir } from "@producer/test-utils";
import { AccountOwnership } from "./account-ownership.js";
import { AccountOwnerStore } from "./store/account-owner-store.js";
import { openDatabase, type ProducerDatabase } from "./store/database.js";
import { migrateToLatest } from "./store/migrations.js";

const stateKey = "fleet-test-key-".repeat(3);
const LEASE_MS = 600;

interface Daemon {
  ownership: AccountOwnership;
  gained: Array<{ account: string; loginState: string | undefined }>;
  lost: string[];
}

function daemon(store: AccountOwnerStore, instanceId: string, accounts: string[], local?: string): Daemon {
  const gained: Daemon["gained"] = [];
  const lost: string[] = [];
  const ownership = new AccountOwnership({
    store,
    accounts,
    instanceId,
    host: `host-${instanceId}`,
    stateKey,
    leaseMs: LEASE_MS,
    onGained: async (account, loginState) => {
      gained.push({ account, loginState });
    },
    onLost: async (account) => {
      lost.push(account);
    },
    sessionIdOf: (loginState) => (JSON.parse(loginState) as { session?: string }).session,
    localLoginState: () => local,
  });
  return { ownership, gained, lost };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The same cases on each database: the lease comes from its clock, so they are told by waiting it out. */
function ownershipSuite(open: () => Promise<{ stores: () => AccountOwnerStore; raw: ProducerDatabase }>) {
  let stores: () => AccountOwnerStore;
  let raw: ProducerDatabase;
  const running: AccountOwnership[] = [];
  beforeEach(async () => {
    ({ stores, raw } = await open());
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((ownership) => ownership.close()));
  });

  it("gives an account to one daemon; the other takes it only once the owner's lease lapsed, with its login", async () => {
    const first = daemon(stores(), "instance-a", ["main"]);
    const second = daemon(stores(), "instance-b", ["main"]);
    await first.ownership.runOnce();
    await second.ownership.runOnce();
    expect(first.ownership.ownedAccounts()).toEqual(["main"]);
    expect(second.ownership.ownedAccounts()).toEqual([]);
    expect(first.gained).toEqual([{ account: "main", loginState: undefined }]);
    expect(await first.ownership.saveLoginState("main", '{"session":"s1","refresh_token":"r2"}')).toBe(true);
    expect(await second.ownership.saveLoginState("main", '{"session":"s1","refresh_token":"stale"}')).toBe(false);

    // The sealed state holds no token in the clear.
    const stored = await raw.db.selectFrom("account_owners").select("login_state").executeTakeFirstOrThrow();
    expect(stored.login_state).not.toContain("r2");

    // The first daemon stops renewing (killed): within a lease the second takes over, with the live login.
    await sleep(LEASE_MS + 200);
    await second.ownership.runOnce();
    expect(second.ownership.ownedAccounts()).toEqual(["main"]);
    expect(second.gained).toEqual([{ account: "main", loginState: '{"session":"s1","refresh_token":"r2"}' }]);
    const owners = await second.ownership.owners();
    expect(owners.get("main")).toMatchObject({ instance: "instance-b", host: "host-instance-b", self: true });

    // The first one's next round finds it lost, and closes it.
    await first.ownership.runOnce();
    expect(first.lost).toEqual(["main"]);
    expect(first.ownership.ownedAccounts()).toEqual([]);
  });

  it("lets a restarted owner (same instance id) take its account back at once", async () => {
    const before = daemon(stores(), "instance-a", ["main"]);
    await before.ownership.runOnce();
    const after = daemon(stores(), "instance-a", ["main"]);
    await after.ownership.runOnce();
    expect(after.ownership.ownedAccounts()).toEqual(["main"]);
  });

  it("hands an account over at once on a clean stop", async () => {
    const first = daemon(stores(), "instance-a", ["main"]);
    const second = daemon(stores(), "instance-b", ["main"]);
    await first.ownership.runOnce();
    await first.ownership.close();
    await second.ownership.runOnce();
    expect(second.ownership.ownedAccounts()).toEqual(["main"]);
  });

  it("refuses a login whose session another account already owns", async () => {
    const first = daemon(stores(), "instance-a", ["main"]);
    running.push(first.ownership);
    await first.ownership.runOnce();
    await first.ownership.saveLoginState("main", '{"session":"same"}');
    // The same login was imported as "spare" on another daemon, whose database row holds it.
    const other = daemon(stores(), "instance-c", ["spare"]);
    await other.ownership.runOnce();
    await other.ownership.saveLoginState("spare", '{"session":"same"}');
    await other.ownership.close();
    const second = daemon(stores(), "instance-b", ["spare"]);
    await second.ownership.runOnce();
    expect(second.ownership.ownedAccounts()).toEqual([]);
    expect(second.gained).toEqual([]);
    expect(second.ownership.refusal("spare")).toMatch(/same login as account main, owned by instance-a/);
  });

  it("stores the first owner's own login, and refuses a login imported here that another account owns", async () => {
    const first = daemon(stores(), "instance-a", ["main"], '{"session":"one-login","refresh_token":"r1"}');
    running.push(first.ownership);
    await first.ownership.runOnce();
    expect(first.ownership.ownedAccounts()).toEqual(["main"]);
    // The same login, imported on another daemon under another name.
    const second = daemon(stores(), "instance-b", ["spare"], '{"session":"one-login","refresh_token":"r1"}');
    running.push(second.ownership);
    await second.ownership.runOnce();
    expect(second.ownership.ownedAccounts()).toEqual([]);
    expect(second.ownership.refusal("spare")).toMatch(/same login as account main/);
    // Its own login is taken.
    const third = daemon(stores(), "instance-c", ["spare"], '{"session":"another-login"}');
    running.push(third.ownership);
    await third.ownership.runOnce();
    expect(third.ownership.ownedAccounts()).toEqual(["spare"]);
  });

  it("refuses a stored login sealed with another key", async () => {
    const first = daemon(stores(), "instance-a", ["main"]);
    await first.ownership.runOnce();
    await first.ownership.saveLoginState("main", '{"session":"s"}');
    await first.ownership.close();
    const wrongKey = new AccountOwnership({
      store: stores(),
      accounts: ["main"],
      instanceId: "instance-b",
      host: "h",
      stateKey: "another-key-".repeat(4),
      leaseMs: LEASE_MS,
      onGained: async () => undefined,
      onLost: async () => undefined,
    });
    await wrongKey.runOnce();
    expect(wrongKey.ownedAccounts()).toEqual([]);
    // It gave the account back rather than holding what it cannot open.
    const second = daemon(stores(), "instance-c", ["main"]);
    await second.ownership.runOnce();
    expect(second.ownership.ownedAccounts()).toEqual(["main"]);
  });
}

describe("account ownership on SQLite", () => {
  let dir: string;
  const handles: ProducerDatabase[] = [];
  afterEach(async () => {
    await Promise.all(handles.splice(0).map((handle) => handle.close()));
    removeDir(dir);
  });
  ownershipSuite(async () => {
    dir = makeTempDir("producer-owners");
    const url = `sqlite:${path.join(dir, "queue.db")}`;
    const connect = () => {
      const handle = openDatabase({ database: { url, dialect: "sqlite" } });
      handles.push(handle);
      return handle;
    };
    const raw = connect();
    await migrateToLatest(raw.db, raw.dialect);
    return { raw, stores: () => new AccountOwnerStore(connect().db, "sqlite") };
  });
});

describe.skipIf(!postgresUrl)("account ownership on PostgreSQL", () => {
  const drops: Array<() => Promise<void>> = [];
  const handles: ProducerDatabase[] = [];
  afterEach(async () => {
    await Promise.all(handles.splice(0).map((handle) => handle.close()));
    for (const drop of drops.splice(0)) await drop();
  });
  ownershipSuite(async () => {
    const schema = await createPostgresSchema(pg.Client, "producer_owners");
    drops.push(() => schema.drop());
    const connect = () => {
      const handle = openDatabase({ database: { url: schema.url, dialect: "postgres", poolSize: 2 } });
      handles.push(handle);
      return handle;
    };
    const raw = connect();
    await migrateToLatest(raw.db, raw.dialect);
    // Each daemon's own clock is an hour off: the lease is the database's, so none of it matters.
    let skew = 3_600_000;
    return {
      raw,
      stores: () => {
        skew = -skew;
        const offset = skew;
        return new AccountOwnerStore(connect().db, "postgres", () => Date.now() + offset);
      },
    };
  });
});
