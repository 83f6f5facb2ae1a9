import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { createTeardown } from "@producer/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { serviceCommand } from "../src/cli/service.js";
import { unitWord } from "../src/cli/service-unit.js";

// `producer service`: the unit it prints passes systemd's own check, `install --user` writes it where systemd
// looks for user units (mode 0644, running this Node.js and this package's bin), and `uninstall` removes it.

const run = promisify(execFile);
const SYSTEMD_ANALYZE = "/usr/bin/systemd-analyze";
const hasSystemdAnalyze = fs.existsSync(SYSTEMD_ANALYZE);
const bin = path.resolve(import.meta.dirname, "..", "bin", "producer.js");
const teardown = createTeardown();
let home: string;
let saved: NodeJS.ProcessEnv;

beforeEach(() => {
  saved = { ...process.env };
  // A home and a data dir whose names hold spaces and a % show that the unit quotes and escapes its paths.
  home = teardown.tempDir("producer service home ");
  for (const name of Object.keys(process.env))
    if (name.startsWith("PRODUCER_") || name.startsWith("XDG_")) delete process.env[name];
  process.env.HOME = home;
  process.env.PRODUCER_PATHS_DATA_DIR = path.join(home, "data 100%");
});
afterEach(async () => {
  // Put back in place: os.homedir() reads the real environment, which a new process.env object would not be.
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
  vi.restoreAllMocks();
  await teardown.run();
});

/** Runs `producer service …` in this process; its printout and exit code. */
async function service(...args: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const code = await serviceCommand.run(args);
  vi.restoreAllMocks();
  return { code, out };
}

describe("producer service", () => {
  it("prints a unit that runs this Node.js and bin with the config path, secrets by file and hardening", async () => {
    const configFile = path.join(home, "producer.config.json");
    fs.writeFileSync(configFile, "{}\n");
    process.env.PRODUCER_CONFIG = configFile;
    const { code, out } = await service("install", "--user", "--print");
    expect(code).toBe(0);
    expect(out).toContain(`ExecStart=${unitWord(process.execPath)} ${unitWord(bin)} daemon\n`);
    expect(out).toContain("Restart=on-failure\n");
    expect(out).toContain(`Environment=${unitWord(`PRODUCER_CONFIG=${configFile}`)}\n`);
    expect(out).toContain(`EnvironmentFile=-${path.join(home, ".config", "producer", "producer.env")}\n`);
    expect(out).toContain(`WorkingDirectory=${home}/data 100%%\n`);
    expect(out).toContain(`Environment="PRODUCER_PATHS_DATA_DIR=${home}/data 100%%"\n`);
    expect(out).toMatch(/^ReadWritePaths="[^\n]*data 100%%"$/m);
    for (const line of ["NoNewPrivileges=yes", "PrivateTmp=yes", "ProtectSystem=strict", "ProtectHome=read-only"])
      expect(out).toContain(`\n${line}\n`);
    // Nothing that breaks V8's JIT or Chromium's sandbox, and no secret value.
    expect(out).not.toMatch(/^(MemoryDenyWriteExecute|RestrictNamespaces|SystemCallFilter)=/m);
    expect(out).not.toMatch(/PRODUCER_DAEMON_TOKEN=/);
    expect(fs.existsSync(path.join(home, ".config", "systemd"))).toBe(false);
  });

  it.skipIf(!hasSystemdAnalyze)(
    hasSystemdAnalyze
      ? "passes systemd-analyze verify"
      : "passes systemd-analyze verify (skipped: systemd-analyze not found)",
    async () => {
      for (const user of [true, false]) {
        const { out } = await service("install", "--print", ...(user ? ["--user"] : ["--run-as", "root"]));
        const dir = teardown.tempDir("producer-unit-");
        const file = path.join(dir, "producer.service");
        fs.writeFileSync(file, out);
        const { stderr } = await run(SYSTEMD_ANALYZE, ["verify", "--man=no", file], { timeout: 60_000 });
        // Unknown keys and unreadable values are warnings with exit 0: the check is that there are none.
        expect(stderr).toBe("");
        // And it does catch them.
        fs.writeFileSync(file, out.replace("Restart=on-failure", "Restart=sometimes"));
        const broken = await run(SYSTEMD_ANALYZE, ["verify", "--man=no", file], { timeout: 60_000 });
        expect(broken.stderr).toMatch(/restart specifier/);
      }
    },
    90_000,
  );

  it("installs a user unit 0644 in the user's systemd folder, tells how to start it, and uninstalls it", async () => {
    const installed = await service("install", "--user");
    expect(installed.code).toBe(0);
    const file = path.join(home, ".config", "systemd", "user", "producer.service");
    expect(fs.statSync(file).mode & 0o777).toBe(0o644);
    expect(fs.readFileSync(file, "utf8")).toContain(
      `ExecStart=${unitWord(process.execPath)} ${unitWord(bin)} daemon\n`,
    );
    expect(installed.out).toContain("systemctl --user enable --now producer.service");
    expect(fs.statSync(path.join(home, "data 100%")).isDirectory()).toBe(true);

    const status = await service("status", "--user");
    expect(status.out).toContain(`unit file: ${file}`);

    const removed = await service("uninstall", "--user");
    expect(removed.code).toBe(0);
    expect(fs.existsSync(file)).toBe(false);
    expect((await service("uninstall", "--user")).out).toContain("nothing to remove");
  }, 30_000);

  it("refuses bad usage", async () => {
    await expect(serviceCommand.run(["start"])).rejects.toThrow(/install\|status\|uninstall/);
    await expect(serviceCommand.run([])).rejects.toThrow(/Usage/);
  });
});
