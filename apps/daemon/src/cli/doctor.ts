import fs from "node:fs";
import path from "node:path";
import type { ResolvedConfig } from "@producer/config";
import { describeAccount } from "./accounts.js";
import type { Command } from "./command.js";
import { daemonClient } from "./daemon-client.js";
import { configModule } from "./lazy-config.js";
import { print } from "./output.js";

interface CheckResult {
  ok: boolean;
  what: string;
  hint?: string;
}

function report(results: CheckResult[]): number {
  for (const result of results)
    print(`${result.ok ? "✓" : "✗"} ${result.what}${result.ok || !result.hint ? "" : `\n    fix: ${result.hint}`}`);
  return results.every((result) => result.ok) ? 0 : 1;
}

async function doctor(): Promise<number> {
  const results: CheckResult[] = [];
  const check = async (what: string, run: () => Promise<string | undefined>, hint: string) => {
    try {
      const detail = await run();
      results.push({ ok: true, what: detail ? `${what}: ${detail}` : what });
    } catch (error) {
      results.push({ ok: false, what: `${what}: ${(error as Error).message.split("\n")[0]}`, hint });
    }
  };
  const { ensureDataDirs, findBrowserExecutable, loadConfig } = await configModule();
  let resolved: ResolvedConfig | undefined;
  await check(
    "configuration is valid",
    async () => {
      resolved = loadConfig();
      return undefined;
    },
    "fix the settings named above",
  );
  if (!resolved) return report(results);
  const { config } = resolved;
  const { checkLoginState, formatDuration } = await import("@producer/session");
  const { migrateToLatest, openDatabase } = await import("@producer/core");
  const { createStorage } = await import("@producer/utils");
  await check(
    "Chromium found",
    async () => findBrowserExecutable(config),
    "apt-get install chromium, or set PRODUCER_BROWSER_EXECUTABLE_PATH",
  );
  await check(
    "data dir writable",
    async () => {
      ensureDataDirs(config);
      const probe = path.join(config.paths.dataDir, `.doctor-${process.pid}`);
      fs.writeFileSync(probe, "ok", { mode: 0o600 });
      fs.rmSync(probe);
      return config.paths.dataDir;
    },
    "make the data dir writable, or set PRODUCER_PATHS_DATA_DIR",
  );
  await check(
    "database migrates",
    async () => {
      const database = openDatabase(config);
      try {
        await migrateToLatest(database.db, database.dialect);
        return database.dialect;
      } finally {
        await database.close();
      }
    },
    "check database.url (PRODUCER_DATABASE_URL) and that the server is reachable",
  );
  const { sharedStorageCheck } = await import("../shared-storage.js");
  await check(...sharedStorageCheck(config));
  // In a fleet, an account another daemon owns is left to it: its login is never opened here.
  const ownedElsewhere = await (await import("./fleet-doctor.js")).fleetDoctorCheck(config, check);
  await check(
    "storage reachable (put and delete a probe)",
    async () => {
      const storage = createStorage(config);
      const key = `producer-doctor/probe-${Date.now()}.txt`;
      await storage.put(key, Buffer.from("producer doctor"), { contentType: "text/plain" });
      await storage.delete(key);
      return storage.kind;
    },
    "check the bucket, endpoint and credentials (storage.s3.*), or the local storage folder",
  );
  const api = await daemonClient(resolved);
  const daemonUp = await api.health().then(
    () => true,
    () => false,
  );
  await check(
    "session valid",
    async () => {
      const elsewhere = !daemonUp && ownedElsewhere(config.accounts[0]?.name ?? "");
      if (elsewhere) return `left to its owner: ${elsewhere.owner}`;
      const status = daemonUp ? await api.session() : await checkLoginState({ config });
      if (!status.valid) throw new Error(status.reason);
      if (status.warning) throw new Error(status.warning);
      return `${daemonUp ? "checked by the running daemon" : "checked"}${loginEnds(status, formatDuration)}`;
    },
    "run `producer session init` (or `producer session import` on a server)",
  );
  if (config.accounts.length > 1) {
    const reports = daemonUp ? await api.listAccounts().catch(() => undefined) : undefined;
    for (const account of config.accounts) {
      await check(
        `account ${account.name}`,
        async () => {
          const seen = reports?.find((one) => one.name === account.name);
          if (seen) {
            if (seen.wall) throw new Error(`walled (${seen.wall.code}) until ${seen.wall.until}: ${seen.wall.reason}`);
            return describeAccount(seen);
          }
          const elsewhere = ownedElsewhere(account.name);
          if (elsewhere) return `left to its owner: ${elsewhere.owner}`;
          const status = await checkLoginState({ config, account });
          if (!status.valid) throw new Error(status.reason);
          return `signed in${status.credits !== undefined ? `; ${status.credits} credits` : ""}${status.expiresAt ? `; login ends ${status.expiresAt}` : ""}`;
        },
        `producer session import <file> --account ${account.name}`,
      );
    }
  }
  await check(...socketCheck(config.daemon.socketPath, daemonUp));
  return report(results);
}

/** `doctor`'s check of the daemon's socket: in use by a running daemon, free, stale, or something else. */
function socketCheck(socketPath: string, daemonUp: boolean): [string, () => Promise<string>, string] {
  const find = async () => {
    if (daemonUp) return `a daemon is running on ${socketPath}`;
    const existing = fs.lstatSync(socketPath, { throwIfNoEntry: false });
    if (existing && !existing.isSocket()) throw new Error(`${socketPath} exists and is not a socket`);
    return existing ? "a stale socket (the daemon replaces it at start)" : `free (${socketPath})`;
  };
  return ["socket", find, "remove the file at daemon.socketPath, or choose another path"];
}

export const doctorCommand: Command = {
  name: "doctor",
  help: `producer doctor — checks Chromium, the data dir, the database, storage, the session (and when it ends) and the socket.`,
  run: doctor,
};

/** When the login ends, as `doctor` says it after a valid session check. */
function loginEnds(
  status: { expiresAt?: string; expiresInSecs?: number; refreshable?: boolean },
  formatDuration: (secs: number) => string,
): string {
  if (status.expiresAt)
    return `; login ends ${status.expiresAt}${status.expiresInSecs ? ` (in ${formatDuration(status.expiresInSecs)})` : ""}`;
  return status.refreshable ? "; kept alive by its refresh token" : "";
}
