import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import type { ProducerConfigInput } from "@producer/config";

const script = path.join(import.meta.dirname, "fixtures", "worker-process.mjs");

export interface WorkerProcess {
  child: ChildProcess;
  /** Job statuses this worker reported, in order. */
  seen: Array<{ id: string; status: string }>;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

/** Starts a worker process and resolves once it is ready (its browser launched, the database migrated). */
export async function startWorkerProcess(overrides: ProducerConfigInput): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, PRODUCER_TEST_WORKER_CONFIG: JSON.stringify(overrides) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const seen: Array<{ id: string; status: string }> = [];
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
    lines.on("line", (line) => {
      if (line === "ready") resolve();
      else if (line.startsWith("{")) seen.push(JSON.parse(line) as { id: string; status: string });
    });
  });
  child.removeAllListeners("exit");
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    seen,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}
