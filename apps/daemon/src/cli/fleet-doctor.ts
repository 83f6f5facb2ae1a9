import type { ProducerConfig } from "@producer/config";

/** An account's owner as `doctor` tells it, and whether this machine may open the site with its local login. */
export interface FleetAccountFinding {
  account: string;
  /** "owned by … on … since …", "owned by this daemon …", or "owned by no daemon now". */
  owner: string;
  /** Another live daemon owns it: opening the site here with the local login could revoke the fleet's session. */
  ownedElsewhere: boolean;
}

/**
 * `producer doctor` on a fleet (PostgreSQL): the login-state key is set, and who owns each configured account. A
 * check that opens the site is skipped for an account another daemon owns — refreshing a login beside its owner
 * signs both out — so `doctor` leaves that session to its owner.
 */
export async function fleetFindings(config: ProducerConfig): Promise<FleetAccountFinding[]> {
  const { AccountOwnerStore, loadInstanceId, openDatabase, requireStateKey } = await import("@producer/core");
  requireStateKey(config.accountPool.stateKey);
  const database = openDatabase(config);
  try {
    const rows = await new AccountOwnerStore(database.db, database.dialect).list();
    const here = loadInstanceId(config.paths.dataDir);
    return config.accounts.map(({ name }) => {
      const row = rows.find((one) => one.account === name);
      const since = new Date(row?.since ?? 0).toISOString();
      if (!row?.live || !row.instanceId)
        return { account: name, owner: "owned by no daemon now", ownedElsewhere: false };
      if (row.instanceId === here)
        return { account: name, owner: `owned by this daemon (${here}) since ${since}`, ownedElsewhere: false };
      return { account: name, owner: `owned by ${row.instanceId} on ${row.host} since ${since}`, ownedElsewhere: true };
    });
  } finally {
    await database.close();
  }
}

/**
 * `doctor`'s fleet check, run through its `check`; answers which accounts another daemon owns (undefined for an
 * account this machine may open). Nothing on SQLite.
 */
export async function fleetDoctorCheck(
  config: ProducerConfig,
  check: (what: string, run: () => Promise<string | undefined>, hint: string) => Promise<void>,
): Promise<(account: string) => FleetAccountFinding | undefined> {
  let findings: FleetAccountFinding[] = [];
  if (config.database.dialect === "postgres") {
    await check(
      "fleet: login-state key and account owners",
      async () => {
        findings = await fleetFindings(config);
        return findings.map((finding) => `${finding.account} ${finding.owner}`).join("; ");
      },
      "set accountPool.stateKey (PRODUCER_ACCOUNT_POOL_STATE_KEY) to the same secret on every daemon",
    );
  }
  return (account) => findings.find((finding) => finding.account === account && finding.ownedElsewhere);
}
