import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { ProducerConfig } from "@producer/config";
import { readSecretFile } from "@producer/utils/errors";

/**
 * The token TCP requests must carry. A configured `daemon.token` wins; else, when TCP listens, the one kept in
 * `daemon.tokenFile` (mode 0600), made at first start — so no local user and no page in a local browser can
 * drive a daemon on loopback, while its owner's CLI and client read the same file without being told.
 * Undefined when the daemon listens on its socket only.
 */
export function daemonToken(config: ProducerConfig): { token: string; generated: boolean } | undefined {
  if (config.daemon.token) return { token: config.daemon.token, generated: false };
  if (config.daemon.port === undefined) return undefined;
  const existing = readSecretFile(config.daemon.tokenFile);
  if (existing) return { token: existing, generated: true };
  fs.mkdirSync(path.dirname(config.daemon.tokenFile), { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString("base64url");
  try {
    fs.writeFileSync(config.daemon.tokenFile, `${token}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    // Another daemon of this data dir made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return { token: readSecretFile(config.daemon.tokenFile) as string, generated: true };
  }
  return { token, generated: true };
}
