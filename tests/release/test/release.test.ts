import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { createTempDir, type TempDir } from "@producer/utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packument, startRegistry, type LocalRegistry } from "./registry.js";

const ROOT = path.resolve(import.meta.dirname, "..", "..", "..");
const LICENSE = fs.readFileSync(path.join(ROOT, "LICENSE"), "utf8");
const WORKSPACE_GROUPS = ["packages", "apps"];

interface Workspace {
  dir: string;
  name: string;
  version: string;
  private: boolean;
}

const workspaces: Workspace[] = WORKSPACE_GROUPS.flatMap((group) =>
  fs.readdirSync(path.join(ROOT, group)).map((name) => path.join(group, name)),
)
  .filter((dir) => fs.existsSync(path.join(ROOT, dir, "package.json")))
  .map((dir) => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, dir, "package.json"), "utf8")) as {
      name: string;
      version: string;
      private?: boolean;
    };
    return { dir, name: manifest.name, version: manifest.version, private: manifest.private === true };
  });
const published = workspaces.filter((workspace) => !workspace.private);
const LIBRARIES = [
  "@producer/config",
  "@producer/utils",
  "@producer/session",
  "@producer/core",
  "@producer/legacy-compat",
  "@producer/simulator",
];

let workDir: TempDir | undefined;
let work: string;
let registry: LocalRegistry;
let repo: string;
let app: string;
let globalPrefix: string;

/** Runs a command with no stdin (nothing may wait for an answer), resolving with its output; fails with both. */
function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 300_000);
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else
        reject(new Error(`${command} ${args.join(" ")} failed (${signal ?? `exit ${code}`}):\n${stdout}\n${stderr}`));
    });
  });
}

/** Publishing talks to the local registry only: its URL is checked to be loopback before anything is sent. */
function publishEnv(): NodeJS.ProcessEnv {
  expect(registry.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  return { ...process.env, NPM_CONFIG_USERCONFIG: path.join(repo, ".npmrc"), npm_config_registry: registry.url };
}

/**
 * Plain npm, as a user runs it with this machine's own npm settings (its CA file, its registry): only the @producer
 * scope comes from the local registry. npm variables set by the runner of this test are left out.
 */
function npmEnv(): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return {
    ...inherited,
    "npm_config_@producer:registry": registry.url,
    npm_config_nodedir: "/usr",
    npm_config_update_notifier: "false",
    npm_config_fund: "false",
    npm_config_audit: "false",
  };
}

/** A `files` entry up to its first glob part: the folder a pattern picks files from. */
function folderOf(entry: string): string {
  const parts = entry.split("/");
  const glob = parts.findIndex((part) => /[*?[{]/.test(part));
  return (glob === -1 ? parts : parts.slice(0, glob)).join("/");
}

/** The publishable part of the monorepo, copied so `changeset version` never touches the working tree. */
function copyRepo(target: string): void {
  fs.mkdirSync(target, { recursive: true });
  for (const file of ["package.json", "pnpm-workspace.yaml", "pnpm-lock.yaml", "LICENSE"])
    fs.copyFileSync(path.join(ROOT, file), path.join(target, file));
  fs.cpSync(path.join(ROOT, ".changeset"), path.join(target, ".changeset"), { recursive: true });
  for (const workspace of workspaces) {
    // What npm packs: the manifest, the readme, license and changelog, and every folder its `files` names.
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, workspace.dir, "package.json"), "utf8")) as {
      files?: string[];
    };
    // A pattern is copied from its folder down: npm applies the pattern itself when it packs.
    const shipped = (manifest.files ?? [])
      .filter((entry) => !entry.startsWith("!"))
      .map(folderOf)
      .filter(Boolean);
    for (const entry of new Set(["package.json", "README.md", "LICENSE", "CHANGELOG.md", ...shipped])) {
      const source = path.join(ROOT, workspace.dir, entry);
      if (fs.existsSync(source)) fs.cpSync(source, path.join(target, workspace.dir, entry), { recursive: true });
    }
  }
  fs.writeFileSync(
    path.join(target, ".npmrc"),
    `registry=${registry.url}\n//${registry.url.slice("http://".length)}:_authToken=${registry.token}\n`,
    { mode: 0o600 },
  );
}

/** A GET to the daemon over its Unix socket. */
function overSocket(socketPath: string, route: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ socketPath, path: route }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on("error", reject);
    request.end();
  });
}

async function commitAll(dir: string, message: string): Promise<void> {
  await run("git", ["-c", "user.email=release@test", "-c", "user.name=release", "add", "-A"], { cwd: dir });
  await run("git", ["-c", "user.email=release@test", "-c", "user.name=release", "commit", "-qm", message], {
    cwd: dir,
  });
}

const changeset = (args: string[]) =>
  run(path.join(ROOT, "node_modules", ".bin", "changeset"), args, { cwd: repo, env: publishEnv() });

beforeAll(async () => {
  workDir = await createTempDir("producer-release-");
  work = workDir.path;
  registry = await startRegistry(work);
  repo = path.join(work, "repo");
  copyRepo(repo);
  await run("git", ["-c", "user.email=release@test", "-c", "user.name=release", "init", "-q"], { cwd: repo });
  await commitAll(repo, "release");
  app = path.join(work, "app");
  globalPrefix = path.join(work, "global");
  fs.mkdirSync(app);
  fs.writeFileSync(
    path.join(app, "package.json"),
    JSON.stringify({ name: "an-app", version: "1.0.0", private: true, type: "module" }),
  );
});
afterAll(async () => {
  await registry?.close();
  await workDir?.cleanup();
});

describe("a release through a real npm registry", () => {
  it("publishes every public package with `changeset publish`: workspace ranges rewritten, a LICENSE in every tarball", async () => {
    expect(published.map((workspace) => workspace.name).sort()).toEqual([...LIBRARIES, "@producer/daemon"].sort());
    await changeset(["publish"]);
    for (const workspace of published) {
      const document = await packument(registry, workspace.name);
      const manifest = document.versions[workspace.version];
      expect(manifest, workspace.name).toBeDefined();
      const ranges = { ...manifest?.dependencies, ...manifest?.optionalDependencies };
      for (const [name, range] of Object.entries(ranges)) {
        expect(range, `${workspace.name} → ${name}`).not.toMatch(/^workspace:/);
        if (name.startsWith("@producer/"))
          expect(range).toBe(workspaces.find((candidate) => candidate.name === name)?.version);
      }
      const tarball = path.join(work, `${workspace.name.replace("/", "-")}.tgz`);
      fs.writeFileSync(tarball, Buffer.from(await (await fetch(manifest?.dist.tarball ?? "")).arrayBuffer()));
      const unpacked = path.join(work, "unpacked", workspace.name);
      fs.mkdirSync(unpacked, { recursive: true });
      await run("tar", ["-xzf", tarball, "-C", unpacked], { cwd: work });
      expect(fs.readFileSync(path.join(unpacked, "package", "LICENSE"), "utf8"), workspace.name).toBe(LICENSE);
      expect(fs.existsSync(path.join(unpacked, "package", "dist", "demo.js")), `${workspace.name} ships no demo`).toBe(
        false,
      );
    }
  });

  it("installs @producer/core with plain npm: no Playwright, no native build", async () => {
    await run("npm", ["install", "--prefer-online", "@producer/core"], { cwd: app, env: npmEnv() });
    const modules = path.join(app, "node_modules");
    expect(fs.existsSync(path.join(modules, "@producer", "core", "package.json"))).toBe(true);
    for (const heavy of ["playwright", "playwright-core", "better-sqlite3", "pg"])
      expect(fs.existsSync(path.join(modules, heavy)), heavy).toBe(false);
    const native = fs
      .readdirSync(modules, { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".node") || file.endsWith("binding.gyp"));
    expect(native).toEqual([]);
  });

  it("imports every library in ESM and in CommonJS", async () => {
    await run("npm", ["install", "--prefer-online", ...LIBRARIES], { cwd: app, env: npmEnv() });
    for (const name of LIBRARIES) {
      const esm = await run(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `const m = await import(${JSON.stringify(name)}); console.log(Object.keys(m).length)`,
        ],
        { cwd: app },
      );
      expect(Number(esm.stdout.trim()), `${name} (ESM)`).toBeGreaterThan(0);
      const cjs = await run(
        process.execPath,
        ["-e", `console.log(Object.keys(require(${JSON.stringify(name)})).length)`],
        { cwd: app },
      );
      expect(Number(cjs.stdout.trim()), `${name} (CJS)`).toBeGreaterThan(0);
    }
  });

  it("`npm install -g @producer/daemon` gives a working producer: doctor, and a full generation on the published simulator", async () => {
    await run("npm", ["install", "-g", "--prefer-online", "--prefix", globalPrefix, "@producer/daemon"], {
      cwd: app,
      env: npmEnv(),
      timeoutMs: 600_000,
    });
    const producer = path.join(globalPrefix, "bin", "producer");
    const version = await run(producer, ["--version"], { cwd: app });
    expect(version.stdout.trim()).toBe(published.find((workspace) => workspace.name === "@producer/daemon")?.version);
    const help = await run(producer, ["--help"], { cwd: app });
    for (const command of ["daemon", "doctor", "session", "generate", "job", "tracks"])
      expect(help.stdout).toContain(command);
    const daemonModule = path.join(globalPrefix, "lib", "node_modules", "@producer", "daemon");
    const esm = await run(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const m = await import(${JSON.stringify(path.join(daemonModule, "dist", "index.js"))}); console.log(typeof m.createApp)`,
      ],
      { cwd: app },
    );
    expect(esm.stdout.trim()).toBe("function");
    const cjs = await run(
      process.execPath,
      ["-e", `console.log(typeof require(${JSON.stringify(daemonModule)}).startDaemon)`],
      { cwd: app },
    );
    expect(cjs.stdout.trim()).toBe("function");

    // The published simulator, through its own bin.
    const simulator = spawn(
      path.join(app, "node_modules", ".bin", "producer-simulator"),
      ["--port", "0", "--admin-port", "0", "--generation-ms", "0", "--status-poll-ms", "200"],
      { cwd: app, stdio: ["ignore", "pipe", "pipe"] },
    );
    let daemon: ChildProcess | undefined;
    try {
      const { siteUrl, admin } = await simulatorStarted(simulator);

      const dataDir = path.join(work, "producer-data");
      const env = {
        ...npmEnv(),
        PRODUCER_PATHS_DATA_DIR: dataDir,
        PRODUCER_SITE_BASE_URL: siteUrl,
        PRODUCER_SITE_PACING_SUBMIT_GAP_MIN_MS: "0",
        PRODUCER_SITE_PACING_SUBMIT_GAP_MAX_MS: "0",
        PRODUCER_SITE_PACING_ACTION_DELAY_MIN_MS: "0",
        PRODUCER_SITE_PACING_ACTION_DELAY_MAX_MS: "0",
        PRODUCER_STORAGE_DRIVER: "local",
        PRODUCER_QUEUE_POLL_INTERVAL_MS: "100",
        PRODUCER_LOG_LEVEL: "info",
      };
      const loginState = path.join(work, "login-state.json");
      fs.writeFileSync(loginState, JSON.stringify(await admin("/sessions", { method: "POST", body: "{}" })), {
        mode: 0o600,
      });
      await run(producer, ["session", "import", loginState], { cwd: app, env });
      const doctor = await run(producer, ["doctor"], { cwd: app, env });
      expect(doctor.stdout).toMatch(/chromium/i);

      daemon = spawn(producer, ["daemon"], { cwd: app, env, stdio: ["ignore", "pipe", "pipe"] });
      await daemonReady(daemon);
      const generated = await run(
        producer,
        [
          "generate",
          "A calm piano piece",
          ...["--title", "Credits", "--project", "p-1", "--user", "u-1", "--wait", "--json"],
        ],
        { cwd: app, env, timeoutMs: 180_000 },
      );
      const job = JSON.parse(generated.stdout) as {
        status: string;
        tracks: Array<{ sha256: string; storage: { url: string }; clipId: string }>;
      };
      expect(job.status).toBe("succeeded");
      expect(job.tracks).toHaveLength(2);
      for (const track of job.tracks) {
        const file = new URL(track.storage.url);
        expect(createHash("sha256").update(fs.readFileSync(file)).digest("hex")).toBe(track.sha256);
      }
      const stats = await admin("/stats");
      expect(stats.generations).toBe(1);
      // The installed package carries the status page's own files.
      for (const route of ["/", "/status-dom.js", "/status-operations.js", "/status.js", "/status.css"]) {
        const answer = await overSocket(path.join(dataDir, "producer.sock"), route);
        expect(answer.status, route).toBe(200);
        expect(answer.body.length, route).toBeGreaterThan(500);
      }
    } finally {
      daemon?.kill("SIGTERM");
      simulator.kill("SIGTERM");
      await Promise.all(
        [daemon, simulator].map((child) =>
          child && child.exitCode === null ? new Promise((resolve) => child.once("exit", resolve)) : undefined,
        ),
      );
    }
  });

  it("publishes again after `changeset version` with one changed package: only it and its dependents", async () => {
    for (const file of fs.readdirSync(path.join(repo, ".changeset"))) {
      if (file.endsWith(".md") && file !== "README.md") fs.rmSync(path.join(repo, ".changeset", file));
    }
    fs.writeFileSync(
      path.join(repo, ".changeset", "one-fix.md"),
      '---\n"@producer/legacy-compat": patch\n---\n\nA fix in the earlier layer only.\n',
    );
    await changeset(["version"]);
    await commitAll(repo, "version");
    await changeset(["publish"]);
    const versions = Object.fromEntries(
      await Promise.all(
        published.map(
          async (workspace) =>
            [workspace.name, Object.keys((await packument(registry, workspace.name)).versions).sort()] as const,
        ),
      ),
    );
    expect(versions["@producer/legacy-compat"]).toEqual(["0.1.0", "0.1.1"]);
    expect(versions["@producer/daemon"]).toEqual(["0.1.0", "0.1.1"]);
    for (const name of [
      "@producer/config",
      "@producer/utils",
      "@producer/session",
      "@producer/core",
      "@producer/simulator",
    ])
      expect(versions[name], name).toEqual(["0.1.0"]);
    const daemon = await packument(registry, "@producer/daemon");
    expect(daemon.versions["0.1.1"]?.dependencies?.["@producer/legacy-compat"]).toBe("0.1.1");
    expect(daemon["dist-tags"].latest).toBe("0.1.1");
    const changelog = (dir: string) => fs.readFileSync(path.join(repo, dir, "CHANGELOG.md"), "utf8");
    expect(changelog("packages/legacy-compat")).toContain("A fix in the earlier layer only.");
    expect(changelog("apps/daemon")).not.toContain("A fix in the earlier layer only.");
    expect(changelog("apps/daemon")).toContain("@producer/legacy-compat@0.1.1");
  });
});

/** The admin API of a simulator started through its published bin, once its banner names it. */
async function simulatorStarted(simulator: ChildProcess) {
  const banner = await new Promise<string>((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`the simulator did not start:\n${text}`)), 30_000);
    simulator.stdout?.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (/admin API on .*Bearer \w+/.test(text)) {
        clearTimeout(timer);
        resolve(text);
      }
    });
  });
  const siteUrl = /simulator on (http:\/\/\S+)/.exec(banner)?.[1] as string;
  const adminUrl = /admin API on (http:\/\/\S+)/.exec(banner)?.[1] as string;
  const adminToken = /Bearer (\w+)/.exec(banner)?.[1] as string;
  const admin = (route: string, init: RequestInit = {}) =>
    fetch(`${adminUrl}${route}`, {
      ...init,
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    }).then((response) => response.json() as Promise<Record<string, unknown>>);
  return { siteUrl, admin };
}

/** Resolves once the daemon logs that it is ready; rejects when it exits first or takes over a minute. */
async function daemonReady(daemon: ChildProcess): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => reject(new Error(`the daemon did not get ready:\n${log}`)), 60_000);
    daemon.stderr?.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes("producer daemon ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    daemon.once("exit", (code) => reject(new Error(`the daemon exited with ${code}:\n${log}`)));
  });
  daemon.removeAllListeners("exit");
}
