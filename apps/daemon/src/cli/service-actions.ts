import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { configModule } from "./lazy-config.js";
import { print } from "./output.js";
import { renderUnit } from "./service-unit.js";
import { UsageError } from "./usage-error.js";

export const UNIT_NAME = "producer.service";

export interface ServiceFlags {
  user: boolean;
  print: boolean;
  envFile?: string;
  runAs?: string;
}

const configHome = () => process.env.XDG_CONFIG_HOME || path.join(os.homedir(), ".config");

/** Where the unit goes: the user's systemd folder, or the system's. */
export function unitPath(user: boolean): string {
  return user ? path.join(configHome(), "systemd", "user", UNIT_NAME) : path.join("/etc/systemd/system", UNIT_NAME);
}

/** The `producer` bin script of this installed package: `bin/producer.js` above this module (src/ or dist/). */
export function producerBin(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 4; depth += 1) {
    const candidate = path.join(dir, "bin", "producer.js");
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error("The producer bin script (bin/producer.js) is missing from the installed package.");
}

/** The unit for this machine's configuration (its data dir and folders, its config file, this Node.js). */
export async function planUnit(flags: ServiceFlags): Promise<{ text: string; dataDir: string }> {
  const { loadConfig } = await configModule();
  const { config, configFile } = loadConfig();
  const { paths, daemon } = config;
  const writable = [
    paths.downloadsDir,
    paths.artifactsDir,
    ...(daemon.socketPath ? [path.dirname(daemon.socketPath)] : []),
  ];
  const dataDir = path.resolve(paths.dataDir);
  const text = renderUnit({
    user: flags.user,
    node: process.execPath,
    bin: producerBin(),
    dataDir,
    writable: writable.map((dir) => path.resolve(dir)),
    configFile: configFile ? path.resolve(configFile) : undefined,
    envFile: path.resolve(
      flags.envFile ??
        (flags.user ? path.join(configHome(), "producer", "producer.env") : "/etc/producer/producer.env"),
    ),
    runAs: flags.user ? undefined : (flags.runAs ?? process.env.SUDO_USER),
  });
  return { text, dataDir };
}

const systemctl = (user: boolean, words: string) => `systemctl${user ? " --user" : ""} ${words}`;

/** Writes the unit (0644) and tells how to start it; with `--print` only prints it. */
export async function install(flags: ServiceFlags): Promise<number> {
  const { text, dataDir } = await planUnit(flags);
  if (flags.print) {
    process.stdout.write(text);
    return 0;
  }
  if (!flags.user && process.getuid?.() !== 0)
    throw new UsageError(
      `Writing ${unitPath(false)} needs root: run it with sudo, or install a user unit with --user.`,
    );
  const file = unitPath(flags.user);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode: 0o644 });
  fs.chmodSync(file, 0o644);
  // systemd enters the working directory before the daemon could make it.
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  print(`Wrote ${file}. Secrets go in the EnvironmentFile it names (mode 0600). To start it now and at boot:`);
  print(`  ${systemctl(flags.user, "daemon-reload")}`);
  print(`  ${systemctl(flags.user, `enable --now ${UNIT_NAME}`)}`);
  if (flags.user) print("  loginctl enable-linger $USER   # keep it running when you are logged out");
  return 0;
}

/** Removes the unit file; says how to stop the service first when it may be running. */
export async function uninstall(flags: ServiceFlags): Promise<number> {
  const file = unitPath(flags.user);
  if (!fs.existsSync(file)) {
    print(`No ${file}: nothing to remove.`);
    return 0;
  }
  if (!flags.user && process.getuid?.() !== 0) throw new UsageError(`Removing ${file} needs root: run it with sudo.`);
  fs.rmSync(file);
  print(`Removed ${file}. If it was running: ${systemctl(flags.user, `disable --now ${UNIT_NAME}`)}, then`);
  print(`  ${systemctl(flags.user, "daemon-reload")}`);
  return 0;
}

/** Where systemctl is, if this machine has one on PATH. */
function findSystemctl(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, "systemctl");
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The unit's file and, where systemd runs, its state: `systemctl show -p ActiveState,SubState,MainPID`. */
export async function status(flags: ServiceFlags): Promise<number> {
  const file = unitPath(flags.user);
  print(`unit file: ${fs.existsSync(file) ? file : `none (${file})`}`);
  const command = findSystemctl();
  if (!command) {
    print("systemctl: not found on this machine, so the service's state cannot be read.");
    return 1;
  }
  const args = [...(flags.user ? ["--user"] : []), "show", UNIT_NAME, "-p", "ActiveState,SubState,MainPID"];
  try {
    const { stdout } = await promisify(execFile)(command, args, { timeout: 10_000 });
    print(stdout.trimEnd());
    return /^ActiveState=active$/m.test(stdout) ? 0 : 1;
  } catch (error) {
    print(`systemctl could not say: ${((error as { stderr?: string }).stderr || (error as Error).message).trim()}`);
    return 1;
  }
}
