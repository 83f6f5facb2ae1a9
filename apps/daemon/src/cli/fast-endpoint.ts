import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ENDPOINT_FILE, type DaemonEndpoint } from "../daemon-endpoint.js";

/**
 * The socket of the running daemon, found without loading the configuration schema: the data dir as the
 * configuration would place it (its variable, the config file's `paths.dataDir`, else `$XDG_DATA_HOME/producer`
 * or `~/.producer`), then the endpoint file the daemon wrote there. Undefined — so the full configuration is
 * loaded — whenever anything is unusual: a socket or token set by variable or file, an unreadable config file,
 * no file, a file not private to this user, or a daemon no longer alive.
 */
export function fastSocketPath(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | undefined {
  if (env.PRODUCER_DAEMON_SOCKET_PATH || env.PRODUCER_DAEMON_TOKEN) return undefined;
  const home = os.homedir();
  const absolute = (value: string) =>
    value === "~" ? home : value.startsWith("~/") ? path.join(home, value.slice(2)) : path.resolve(cwd, value);
  const fileSettings = configFileSettings(env, cwd);
  if (fileSettings === null || fileSettings.daemon !== undefined) return undefined;
  const dataDir = absolute(
    env.PRODUCER_PATHS_DATA_DIR ||
      fileSettings.dataDir ||
      (env.XDG_DATA_HOME ? path.join(env.XDG_DATA_HOME, "producer") : path.join(home, ".producer")),
  );
  try {
    const file = path.join(dataDir, ENDPOINT_FILE);
    const stat = fs.statSync(file);
    if ((stat.mode & 0o077) !== 0 || stat.uid !== process.getuid?.()) return undefined;
    const endpoint = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<DaemonEndpoint>;
    if (typeof endpoint.pid !== "number" || typeof endpoint.socketPath !== "string") return undefined;
    process.kill(endpoint.pid, 0);
    return fs.statSync(endpoint.socketPath).isSocket() ? endpoint.socketPath : undefined;
  } catch {
    return undefined;
  }
}

/** The config file's data dir and whether it sets anything of the daemon's; null when it cannot be read as JSON. */
function configFileSettings(env: NodeJS.ProcessEnv, cwd: string): { dataDir?: string; daemon?: unknown } | null {
  const named = env.PRODUCER_CONFIG ? path.resolve(cwd, env.PRODUCER_CONFIG) : undefined;
  const file = named ?? path.join(cwd, "producer.config.json");
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return named ? null : {};
  }
  try {
    const json = JSON.parse(text) as { paths?: { dataDir?: unknown }; daemon?: unknown };
    const dataDir = json.paths?.dataDir;
    if (dataDir !== undefined && typeof dataDir !== "string") return null;
    return { ...(dataDir ? { dataDir } : {}), ...(json.daemon !== undefined ? { daemon: json.daemon } : {}) };
  } catch {
    return null;
  }
}
