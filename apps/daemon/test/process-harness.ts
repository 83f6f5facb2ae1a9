import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "@producer/config";
import { importLoginState } from "@producer/session";
import { start, type RunningSimulator, type SimulatorOptions } from "@producer/simulator";
import { startS3Server, type S3Server } from "@producer/test-utils";
import { stopProcess } from "./stop-process.js";

export const bin = path.join(import.meta.dirname, "..", "bin", "producer.js");

/** What a `producer` process needs to drive `site` and store in `s3`, everything under `dataDir`. */
export function processEnvironment(site: RunningSimulator, s3: S3Server, dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PRODUCER_PATHS_DATA_DIR: dataDir,
    PRODUCER_SITE_BASE_URL: site.url,
    PRODUCER_SITE_PACING_SUBMIT_GAP_MIN_MS: "0",
    PRODUCER_SITE_PACING_SUBMIT_GAP_MAX_MS: "0",
    PRODUCER_SITE_PACING_ACTION_DELAY_MIN_MS: "0",
    PRODUCER_SITE_PACING_ACTION_DELAY_MAX_MS: "0",
    PRODUCER_STORAGE_DRIVER: "s3",
    PRODUCER_STORAGE_S3_BUCKET: s3.bucket,
    PRODUCER_STORAGE_S3_ENDPOINT: s3.endpoint,
    PRODUCER_STORAGE_S3_FORCE_PATH_STYLE: "true",
    PRODUCER_STORAGE_S3_CHECKSUMS: "when-required",
    PRODUCER_STORAGE_S3_ACCESS_KEY_ID: "S3RVER",
    PRODUCER_STORAGE_S3_SECRET_ACCESS_KEY: "S3RVER",
    PRODUCER_QUEUE_POLL_INTERVAL_MS: "100",
    PRODUCER_BROWSER_PAGE_COUNT: "1",
    PRODUCER_DAEMON_SHUTDOWN_GRACE_MS: "30000",
    PRODUCER_LOG_LEVEL: "info",
    ...extra,
  };
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
export interface TestDaemon {
  site: RunningSimulator;
  s3: S3Server;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  child: ChildProcess;
  log: string[];
  /** `http://127.0.0.1:<port>`, the daemon's TCP listener. */
  baseUrl: string;
  token: string | undefined;
  close(): Promise<void>;
}

/** Starts one; `token` puts the daemon behind a bearer token. */
export async function startTestDaemon(
  options: { simulator?: SimulatorOptions; env?: NodeJS.ProcessEnv; token?: string; name?: string } = {},
): Promise<TestDaemon> {
  const site = await start({ generationMs: 0, replyDelayMs: 0, statusPollMs: 200, songDurationSecs: [1, 2], ...options.simulator });
  const s3 = await startS3Server({ bucket: `producer-${options.name ?? "test"}` });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `producer-${options.name ?? "test"}-`));
  const env = processEnvironment(site, s3, dataDir, {
    PRODUCER_DAEMON_PORT: "0",
    ...(options.token ? { PRODUCER_DAEMON_TOKEN: options.token } : {}),
    ...options.env,
  });
  importLoginState({ config: loadConfig({ env, configFile: false }).config, source: site.issueSession() });
  const close = async (child?: ChildProcess) => {
    await stopProcess(child);
    await site.close();
    await s3.close();
    fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };
  let started: { child: ChildProcess; log: string[] };
  try {
    started = await startDaemonProcess(env);
  } catch (error) {
    await close();
    throw error;
  }
  const ready = started.log
    .join("")
    .split("\n")
    .map((line) => (line.startsWith("{") ? (JSON.parse(line) as { msg?: string; port?: number }) : {}))
    .find((entry) => entry.msg === "producer daemon ready");
  return {
    site,
    s3,
    dataDir,
    env,
    child: started.child,
    log: started.log,
    baseUrl: `http://127.0.0.1:${ready?.port}`,
    token: options.token,
    close: () => close(started.child),
  };
}
