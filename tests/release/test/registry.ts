import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

export interface LocalRegistry {
  url: string;
  token: string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A real npm registry (verdaccio) on loopback, with its storage in `dir` and no uplink: only what is published here
 * is served. Resolves once it answers, with the token of a user allowed to publish.
 */
export async function startRegistry(dir: string): Promise<LocalRegistry> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const config = path.join(dir, "verdaccio.yaml");
  fs.writeFileSync(
    config,
    [
      `storage: ${path.join(dir, "storage")}`,
      "auth:",
      "  htpasswd:",
      `    file: ${path.join(dir, "htpasswd")}`,
      "    max_users: 10",
      "uplinks: {}",
      "packages:",
      "  '**':",
      "    access: $all",
      "    publish: $authenticated",
      "log: { type: stdout, format: pretty, level: warn }",
      "",
    ].join("\n"),
  );
  const bin = path.join(import.meta.dirname, "..", "node_modules", ".bin", "verdaccio");
  const child: ChildProcess = spawn(bin, ["--config", config, "--listen", `127.0.0.1:${port}`], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited with ${child.exitCode}:\n${log.join("")}`);
    const up = await fetch(`${url}-/ping`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`verdaccio did not answer within 60 s:\n${log.join("")}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const created = await fetch(`${url}-/user/org.couchdb.user:releaser`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "releaser", password: "release-test-password" }),
  });
  const { token } = (await created.json()) as { token?: string };
  if (!token) throw new Error(`could not create a registry user (HTTP ${created.status})`);
  return {
    url,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      }),
  };
}

/** A package's document on the registry (all versions). */
export async function packument(
  registry: LocalRegistry,
  name: string,
): Promise<{
  versions: Record<
    string,
    { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; dist: { tarball: string } }
  >;
  "dist-tags": Record<string, string>;
}> {
  const response = await fetch(`${registry.url}${name.replace("/", "%2f")}`);
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status} from the registry`);
  return (await response.json()) as never;
}
