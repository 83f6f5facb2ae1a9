import fs from "node:fs";

/**
 * The processes whose command line carries `marker` (a flag the pool adds to every Chromium it launches), read
 * from /proc. Used to prove that nothing is left behind, to find the browser's PID, and for metrics.
 * Returns [] where /proc does not exist.
 */
export function findProcessesWithArgument(marker: string): Array<{ pid: number; isBrowser: boolean }> {
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc");
  } catch {
    return [];
  }
  const found: Array<{ pid: number; isBrowser: boolean }> = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let commandLine: string;
    try {
      commandLine = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
    } catch {
      continue;
    }
    const args = commandLine.split("\0");
    if (!args.includes(marker)) continue;
    let state = "";
    try {
      state = /^State:\s+(\S)/m.exec(fs.readFileSync(`/proc/${entry}/status`, "utf8"))?.[1] ?? "";
    } catch {
      continue;
    }
    if (state === "Z") continue; // a zombie is gone, only not yet reaped
    found.push({ pid: Number(entry), isBrowser: !args.some((arg) => arg.startsWith("--type=")) });
  }
  return found;
}
