import { randomUUID } from "node:crypto";
import os from "node:os";

/** Workers alive in this process, so a restart in one process never takes a live sibling's jobs. */
export const LIVE_WORKERS = new Set<string>();

/**
 * A worker's lease name says whose it is and where it runs: `<instance id>:<host>:<pid>:<uuid>`. After a crash,
 * the next worker of the same instance (the same data dir) on the same host sees that the process is gone and
 * takes its jobs back at once; another instance's leases are never ended here, whatever its host name and pid.
 */
export function workerOwnerId(instanceId: string, pid = process.pid, host = os.hostname()): string {
  return `${instanceId}:${host}:${pid}:${randomUUID()}`;
}

/** The lease names of `instanceId`'s workers start so. */
export const instanceOwnerPrefix = (instanceId: string) => `${instanceId}:`;

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * The owners among `owners` that were workers of `ownerId`'s instance on its host, and whose process is gone
 * (`isGone` by default asks the operating system; this process's own workers count as gone once stopped).
 */
export function orphanedOwners(
  ownerId: string,
  owners: string[],
  isGone: (pid: number) => boolean = processGone,
): string[] {
  const [instance, host] = ownerId.split(":");
  return owners.filter((owner) => {
    const [ownerInstance, ownerHost, pidText] = owner.split(":");
    if (ownerInstance !== instance || ownerHost !== host || owner === ownerId) return false;
    const pid = Number(pidText);
    if (!Number.isInteger(pid) || pid <= 0) return false;
    return pid === process.pid ? !LIVE_WORKERS.has(owner) : isGone(pid);
  });
}
