import fs from "node:fs";

/** Set in the environment of every Chromium a pool launches; each of its processes inherits it. */
export const POOL_ENVIRONMENT_KEY = "PRODUCER_BROWSER_POOL";

/**
 * Every live process of the pool `poolId` — the browser, its zygotes, renderers, GPU and utility processes, and
 * crash handlers — found by the environment variable they all inherit (Linux /proc). Used to find the browser's
 * PID, to prove that nothing is left behind, and to kill leftovers after a crash. Returns [] where /proc does not
 * exist. With `prefix`, any pool whose id starts with `poolId`.
 */
export function findPoolProcesses(
  poolId: string,
  options: { prefix?: boolean } = {},
): Array<{ pid: number; isBrowser: boolean }> {
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc");
  } catch {
    return [];
  }
  const needle = `${POOL_ENVIRONMENT_KEY}=${poolId}`;
  const found: Array<{ pid: number; isBrowser: boolean }> = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environment = fs.readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
      if (!(options.prefix ? environment.some((line) => line.startsWith(needle)) : environment.includes(needle)))
        continue;
      if (/^State:\s+Z/m.test(fs.readFileSync(`/proc/${entry}/status`, "utf8"))) continue; // dead, not yet reaped
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      found.push({ pid: Number(entry), isBrowser: args.some((arg) => arg.startsWith(`--producer-pool=${poolId}`)) });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}
