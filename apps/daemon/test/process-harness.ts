import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { RunningSimulator } from "@producer/simulator";
import type { S3Server } from "@producer/test-utils";

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
