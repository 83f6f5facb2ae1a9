import type { ProducerConfig } from "@producer/config";
import type { LoginState } from "@producer/session";

/**
 * After `session import` on a fleet (PostgreSQL): what the database says of the login just imported. The same
 * login owned under another account, or the account owned by another daemon, each get a warning — one login
 * refreshed by two owners signs both out. Nothing is changed; a database that cannot be read says nothing.
 */
export async function fleetImportWarnings(
  config: ProducerConfig,
  account: string,
  state: LoginState,
): Promise<string[]> {
  if (config.database.dialect !== "postgres") return [];
  const [{ AccountOwnerStore, loadInstanceId, openDatabase }, { sessionIdOf }] = await Promise.all([
    import("@producer/core"),
    import("@producer/session"),
  ]);
  const database = openDatabase(config);
  try {
    const rows = await new AccountOwnerStore(database.db, database.dialect).list();
    const here = loadInstanceId(config.paths.dataDir);
    const warnings: string[] = [];
    const sessionId = sessionIdOf(state);
    for (const row of rows) {
      if (!row.live || row.instanceId === here) continue;
      const owner = `${row.instanceId} on ${row.host} since ${new Date(row.since ?? 0).toISOString()}`;
      if (sessionId && row.sessionId === sessionId && row.account !== account) {
        warnings.push(
          `This login is already in use: account ${row.account} holds it, owned by ${owner}. Two owners refreshing one login sign both out (SESSION_REVOKED): export a separate login for ${account}.`,
        );
      }
      if (row.account === account) {
        warnings.push(
          `Account ${account} is owned by ${owner}, which keeps its own login in the database: this import is used here only if this daemon takes the account over. To change the fleet's login, import it on that machine.`,
        );
      }
    }
    return warnings;
  } catch {
    return [];
  } finally {
    await database.close();
  }
}
