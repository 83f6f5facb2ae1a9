import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** A fresh private folder (mode 0700) in the system temp dir. */
export function makeTempDir(prefix = "producer-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Removes a folder and everything in it. Retries, because a process that was just stopped (Chromium, a daemon)
 * may still be closing files in it.
 */
export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}
