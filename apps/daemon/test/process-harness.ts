import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { SimulatorOptions } from "@producer/simulator";
import { producerEnvironment, type S3Server } from "@producer/test-utils";
import { createSiteStack, type SiteStack } from "./stack.js";
import { stopProcess } from "./stop-process.js";

export const bin = path.join(import.meta.dirname, "..", "bin", "producer.js");

/** What a `producer` process needs to drive the stack's site and store in its S3 server, everything under `dataDir`. */
export function processEnvironment(
  stack: { site: { url: string }; s3: S3Server; dataDir: string },
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  return producerEnvironment(
    { dataDir: stack.dataDir, siteUrl: stack.site.url, s3: stack.s3 },
    { PRODUCER_BROWSER_PAGE_COUNT: "1", PRODUCER_DAEMON_SHUTDOWN_GRACE_MS: "30000", ...extra },
  );
}

/** Every Chromium process of a daemon whose profile lives under `dir` (its data dir), killed at once. */
export async function killChromium(dir: string): Promise<number> {
  const pids = fs
    .readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
        return commandLine.includes("--producer-pool=") && commandLine.includes(dir);
      } catch {
        return false;
      }
    });
  for (const pid of pids) {
    try {
      process.kill(Number(pid), "SIGKILL");
    } catch {
      // gone already
    }
  }
  return pids.length;
}

/** Starts `producer daemon` and resolves once it logs that it is ready. */
export async function startDaemonProcess(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; log: string[] }> {
  const child = spawn(process.execPath, [bin, "daemon"], { env, stdio: ["ignore", "pipe", "pipe"] });
  const log: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`daemon not ready:\n${log.join("")}`)), 30_000);
    child.stderr?.on("data", (chunk: Buffer) => {
      log.push(chunk.toString());
      if (log.join("").includes("producer daemon ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`daemon exited with ${code}:\n${log.join("")}`)));
  });
  child.removeAllListeners("exit");
  return { child, log };
}

/** A daemon process on its own simulator, S3 server and data dir, signed in, listening on TCP too. */
export interface TestDaemon extends SiteStack {
  env: NodeJS.ProcessEnv;
  child: ChildProcess;
  log: string[];
  /** `http://127.0.0.1:<port>`, the daemon's TCP listener. */
  baseUrl: string;
  token: string | undefined;
}

/** Starts one; `token` puts the daemon behind a bearer token. */
export async function startTestDaemon(
  options: { simulator?: SimulatorOptions; env?: NodeJS.ProcessEnv; token?: string; name?: string } = {},
): Promise<TestDaemon> {
  const stack = await createSiteStack({ name: options.name ?? "test", simulator: options.simulator });
  const env = processEnvironment(stack, {
    PRODUCER_DAEMON_PORT: "0",
    ...(options.token ? { PRODUCER_DAEMON_TOKEN: options.token } : {}),
    ...options.env,
  });
  let started: { child: ChildProcess; log: string[] };
  try {
    started = await startDaemonProcess(env);
  } catch (error) {
    await stack.close();
    throw error;
  }
  // Stopped cleanly before its data dir is removed, so its Chromium is gone first.
  stack.teardown.add(() => stopProcess(started.child));
  const ready = started.log
    .join("")
    .split("\n")
    .map((line) => (line.startsWith("{") ? (JSON.parse(line) as { msg?: string; port?: number }) : {}))
    .find((entry) => entry.msg === "producer daemon ready");
  return {
    ...stack,
    env,
    child: started.child,
    log: started.log,
    baseUrl: `http://127.0.0.1:${ready?.port}`,
    token: options.token,
  };
}
