import { createHash, randomUUID } from "node:crypto";
import os from "node:os";

/** Workers alive in this process, so a restart in one process never takes a live sibling's jobs. */
export const LIVE_WORKERS = new Set<string>();

/**
 * A worker's lease name says where it runs: `<host>:<pid>:<data dir tag>:<uuid>`. After a crash, the next worker
 * of the same data dir on the same host sees that the process is gone and takes its jobs back at once.
 */
export function workerOwnerId(dataDir: string, pid = process.pid, host = os.hostname()): string {
  return `${host}:${pid}:${dataDirTag(dataDir)}:${randomUUID()}`;
}

const dataDirTag = (dataDir: string) => createHash("sha256").update(dataDir).digest("hex").slice(0, 12);

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** The owners among `owners` that were workers of `ownerId`'s data dir on its host, and whose process is gone. */
export function orphanedOwners(ownerId: string, owners: string[]): string[] {
  const [host, , tag] = ownerId.split(":");
  return owners.filter((owner) => {
    const [ownerHost, pidText, ownerTag] = owner.split(":");
    if (ownerHost !== host || ownerTag !== tag) return false;
    const pid = Number(pidText);
    if (!Number.isInteger(pid) || pid <= 0) return false;
    return pid === process.pid ? !LIVE_WORKERS.has(owner) : processGone(pid);
  });
}
