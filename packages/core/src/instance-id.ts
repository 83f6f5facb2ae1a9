import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const INSTANCE_ID = /^[0-9a-f-]{36}$/;

/**
 * This daemon's identity among the daemons of one database: a random id made the first time its data dir is used
 * and kept there (`<dataDir>/instance-id`, 0600), so a restart is the same instance and another machine — even
 * one with the same host name and pid, as two containers have — never is.
 */
export function loadInstanceId(dataDir: string): string {
  const file = path.join(dataDir, "instance-id");
  const existing = readInstanceId(file);
  if (existing) return existing;
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const id = randomUUID();
  try {
    // `wx`: two processes starting at once on one data dir keep the id written first.
    fs.writeFileSync(file, `${id}\n`, { flag: "wx", mode: 0o600 });
    return id;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const written = readInstanceId(file);
  if (written) return written;
  // A file that holds something else (an interrupted first write): replaced with this id.
  fs.writeFileSync(file, `${id}\n`, { mode: 0o600 });
  return id;
}

function readInstanceId(file: string): string | undefined {
  try {
    const text = fs.readFileSync(file, "utf8").trim();
    return INSTANCE_ID.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}
