import fs from "node:fs";
import path from "node:path";

/** The file in the data dir where a running daemon says where it listens (mode 0600). */
export const ENDPOINT_FILE = "daemon-endpoint.json";

/** What the file holds: the daemon's process and its socket, and its TCP port when it has one. */
export interface DaemonEndpoint {
  pid: number;
  socketPath: string;
  port: number | null;
  startedAt: string;
}

/** Writes the endpoint file once the daemon listens; replaced atomically, readable by its owner alone. */
export function writeDaemonEndpoint(dataDir: string, endpoint: Omit<DaemonEndpoint, "startedAt">): string {
  const file = path.join(dataDir, ENDPOINT_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  const record: DaemonEndpoint = { ...endpoint, startedAt: new Date().toISOString() };
  fs.writeFileSync(temporary, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  fs.renameSync(temporary, file);
  return file;
}

/** Removes the endpoint file when it is this process's own (another daemon may have written it since). */
export function removeDaemonEndpoint(dataDir: string): void {
  const file = path.join(dataDir, ENDPOINT_FILE);
  try {
    const record = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<DaemonEndpoint>;
    if (record.pid === process.pid) fs.rmSync(file, { force: true });
  } catch {
    // Gone already, or unreadable: nothing of ours to remove.
  }
}
