import { describe, expect, it } from "vitest";
import { accountUnavailable } from "./account-availability.js";
import type { AccountOwnerRow } from "./store/account-owner-store.js";

const row = (overrides: Partial<AccountOwnerRow>): AccountOwnerRow => ({
  account: "x",
  instanceId: "instance-a",
  host: "host-a",
  since: 1_000,
  leaseExpiresAt: 2_000,
  sessionId: null,
  live: true,
  loginStateAt: null,
  ...overrides,
});

describe("accountUnavailable", () => {
  it("says nothing without a fleet, or while the account's owner lives", () => {
    expect(accountUnavailable("x", undefined)).toBeUndefined();
    expect(accountUnavailable("x", { readAt: 5_000, owners: new Map([["x", row({})]]) })).toBeUndefined();
  });

  it("names the last owner of an account whose owner stopped", () => {
    const waiting = accountUnavailable("x", { readAt: 5_000, owners: new Map([["x", row({ live: false })]]) });
    expect(waiting).toMatchObject({ code: "ACCOUNT_UNAVAILABLE", since: new Date(2_000).toISOString() });
    expect(waiting?.reason).toMatch(/last owner, instance-a on host-a, stopped/);
  });

  it("says no daemon has started for an account nobody ever took", () => {
    const waiting = accountUnavailable("y", { readAt: 5_000, owners: new Map() });
    expect(waiting?.code).toBe("ACCOUNT_UNAVAILABLE");
    expect(waiting?.reason).toMatch(/none configured for it has started/);
  });
});
