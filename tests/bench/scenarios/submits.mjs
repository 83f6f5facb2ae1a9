// Durable submits: 16 connections queueing as fast as they can over the Unix socket, the rate near 1,000 queued
// and near the end (50,000 by default); with SQLite's synchronous NORMAL and FULL.
import { spawn } from "node:child_process";
import path from "node:path";
import { ProducerClient } from "@producer/core/client";
import { tempDir } from "../lib.mjs";

const SERVER = path.join(import.meta.dirname, "queue-only-daemon.mjs");

async function startQueueOnly(dataDir, synchronous) {
  const child = spawn(process.execPath, [SERVER, dataDir, synchronous], { stdio: ["ignore", "pipe", "inherit"] });
  const socketPath = await new Promise((resolve, reject) => {
    child.stdout.once("data", (chunk) => resolve(chunk.toString().trim()));
    child.once("exit", (code) => reject(new Error(`queue-only daemon exited with ${code}`)));
  });
  child.removeAllListeners("exit");
  return { child, socketPath };
}

async function measure(synchronous, total, connections) {
  const { child, socketPath } = await startQueueOnly(tempDir(`submits-${synchronous}`), synchronous);
  const client = new ProducerClient({ socketPath });
  let sent = 0;
  const marks = [];
  const window = 1000;
  let windowStart = performance.now();
  const worker = async () => {
    for (;;) {
      const index = sent;
      if (index >= total) return;
      sent += 1;
      await client.generateMusic({ prompt: `submit ${index}` });
      if ((index + 1) % window === 0) {
        const now = performance.now();
        marks.push({ queued: index + 1, perSec: window / ((now - windowStart) / 1000) });
        windowStart = now;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const overall = total / ((performance.now() - started) / 1000);
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
  const near = (queued) =>
    marks.reduce(
      (best, mark) => (Math.abs(mark.queued - queued) < Math.abs(best.queued - queued) ? mark : best),
      marks[0],
    );
  return { overallPerSec: overall, at1000PerSec: near(1000).perSec, atEndPerSec: near(total).perSec, queued: total };
}

export async function submits({ total, connections, fullTotal }) {
  const normal = await measure("normal", total, connections);
  const full = await measure("full", fullTotal, connections);
  return { connections, normal, full, endOverStart: normal.atEndPerSec / normal.at1000PerSec };
}
