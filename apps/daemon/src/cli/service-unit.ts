/** What a `producer.service` unit is made from. */
export interface UnitOptions {
  /** A user unit (`systemctl --user`) or a system one. */
  user: boolean;
  /** The absolute path of the Node.js that runs the daemon. */
  node: string;
  /** The absolute path of the `producer` bin script. */
  bin: string;
  /** The daemon's data dir: its working directory, and the one place (with `writable`) it may write to. */
  dataDir: string;
  /** Further folders the daemon writes to (downloads, artifacts, the socket's folder) when outside the data dir. */
  writable: readonly string[];
  /** The config file, passed as `PRODUCER_CONFIG`; none when the daemon runs on defaults and the environment. */
  configFile?: string;
  /** The file the secrets are read from (`PRODUCER_DAEMON_TOKEN=…` lines, mode 0600); optional for systemd. */
  envFile: string;
  /** A system unit's account (`User=`); none runs it as root. */
  runAs?: string;
}

/** A value as one word of a unit file: `%` doubled (specifiers), quoted when it holds a space, a quote or `\`. */
export function unitWord(value: string): string {
  const escaped = value.replaceAll("%", "%%");
  return /[\s"'\\]/.test(escaped) ? `"${escaped.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"` : escaped;
}

/** A path a setting takes whole (WorkingDirectory=, EnvironmentFile=): never quoted, only `%` doubled. */
export const unitPathValue = (value: string): string => value.replaceAll("%", "%%");

const inside = (dir: string, parent: string) => dir === parent || dir.startsWith(`${parent}/`);

/**
 * The systemd unit that runs `producer daemon`, each hardening choice with its reason beside it. Secrets are
 * never in it: they come from `EnvironmentFile=`, which only its owner can read.
 */
export function renderUnit(options: UnitOptions): string {
  const writable = [options.dataDir, ...options.writable.filter((dir) => !inside(dir, options.dataDir))];
  const lines = [
    "# producer.service: written by `producer service install`; `producer service uninstall` removes it.",
    "[Unit]",
    "Description=producer daemon: music generation through a warm, signed-in browser",
    "Documentation=https://www.npmjs.com/package/@producer/daemon",
    ...(options.user ? [] : ["Wants=network-online.target", "After=network-online.target"]),
    "",
    "[Service]",
    "Type=simple",
    `ExecStart=${unitWord(options.node)} ${unitWord(options.bin)} daemon`,
    "# A crash or a failed start comes back after a pause; `systemctl stop` and a clean exit stay stopped.",
    "Restart=on-failure",
    "RestartSec=5s",
    "# The daemon finishes the step it is in and closes the browser on SIGTERM.",
    "TimeoutStopSec=60s",
    ...(options.configFile ? [`Environment=${unitWord(`PRODUCER_CONFIG=${options.configFile}`)}`] : []),
    "# The data dir this unit was made for, whatever the environment it was made in said.",
    `Environment=${unitWord(`PRODUCER_PATHS_DATA_DIR=${options.dataDir}`)}`,
    "# Secrets (PRODUCER_DAEMON_TOKEN, PRODUCER_SESSION_PASSWORD, S3 keys, …) as NAME=value lines in this file,",
    "# mode 0600; never in the unit, which anyone may read. The leading '-' lets the unit start without it.",
    `EnvironmentFile=-${unitPathValue(options.envFile)}`,
    `WorkingDirectory=${unitPathValue(options.dataDir)}`,
    ...(options.runAs ? [`User=${unitWord(options.runAs)}`] : []),
    "# Files the daemon makes (state, tokens, songs) are its own alone.",
    "UMask=0077",
    "",
    "# Hardening that keeps Chromium working:",
    "# no process it starts may gain privileges (Chromium's sandbox uses user namespaces, not a setuid helper).",
    "NoNewPrivileges=yes",
    "# Its own /tmp, which Chromium's profile and downloads in progress use.",
    "PrivateTmp=yes",
    "# The whole file system read-only but for the data dir (and the folders configured outside it).",
    "ProtectSystem=strict",
    `ReadWritePaths=${writable.map(unitWord).join(" ")}`,
    "# Home folders read-only: the data dir above stays writable when it lies in one.",
    "ProtectHome=read-only",
    "ProtectKernelTunables=yes",
    "ProtectKernelModules=yes",
    "ProtectKernelLogs=yes",
    "ProtectControlGroups=yes",
    "ProtectClock=yes",
    "RestrictSUIDSGID=yes",
    "RestrictRealtime=yes",
    "LockPersonality=yes",
    "# Unix sockets (its own), IPv4/IPv6 (the site, S3, PostgreSQL), netlink (Chromium watches the network).",
    "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK",
    ...(options.user
      ? []
      : ["# No capabilities: the daemon needs none.", "CapabilityBoundingSet=", "AmbientCapabilities="]),
    "# Left out on purpose: MemoryDenyWriteExecute (V8's and Chromium's JIT write code they then run),",
    "# RestrictNamespaces (Chromium's sandbox makes user, PID and network namespaces), SystemCallFilter (Chromium",
    "# installs its own seccomp filters and needs calls a generic list refuses), PrivateDevices (Chromium's GPU",
    "# and shared-memory probes).",
    "",
    "[Install]",
    `WantedBy=${options.user ? "default.target" : "multi-user.target"}`,
    "",
  ];
  return lines.join("\n");
}
