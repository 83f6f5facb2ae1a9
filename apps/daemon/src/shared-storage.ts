import type { ProducerConfig } from "@producer/config";
import { ProducerError } from "@producer/utils";

/**
 * Why this configuration's storage cannot serve a fleet, or undefined when it can: with PostgreSQL several
 * daemons share the tracks, so a folder only one of them writes to makes the others answer 404 for the audio.
 */
export function sharedStorageProblem(config: Pick<ProducerConfig, "database" | "storage">): string | undefined {
  if (config.database.dialect !== "postgres" || config.storage.driver !== "local") return undefined;
  if (config.storage.localShared) return undefined;
  return `PostgreSQL is shared by every daemon on it, but local storage (${config.storage.localDir}) is this machine's: another daemon would answer 404 for the audio of a track stored here. Use S3 (storage.s3.bucket), or, if every daemon reads and writes this same folder (a shared mount, or daemons on one machine), set storage.localShared (PRODUCER_STORAGE_LOCAL_SHARED=true).`;
}

/**
 * `producer doctor`'s check of it: what it is called, what it finds (how the storage serves the daemons, or the
 * problem, thrown) and the fix.
 */
export function sharedStorageCheck(
  config: Pick<ProducerConfig, "database" | "storage">,
): [string, () => Promise<string>, string] {
  const find = async () => {
    const problem = sharedStorageProblem(config);
    if (problem) throw new Error(problem);
    if (config.database.dialect !== "postgres") return "one daemon (SQLite)";
    return config.storage.driver === "local" ? "local, marked shared (storage.localShared)" : config.storage.driver;
  };
  const fix = "use S3 (storage.s3.bucket), or set storage.localShared when every daemon reads and writes this folder";
  return ["storage shared by every daemon on the database", find, fix];
}

/** INVALID_CONFIG at start for storage a fleet cannot share (see `sharedStorageProblem`). */
export function checkSharedStorage(config: Pick<ProducerConfig, "database" | "storage">): void {
  const problem = sharedStorageProblem(config);
  if (!problem) return;
  throw new ProducerError("INVALID_CONFIG", problem, {
    details: { key: "storage.localShared", env: "PRODUCER_STORAGE_LOCAL_SHARED" },
  });
}
