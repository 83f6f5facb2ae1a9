// Open event streams: thousands of clients following jobs must not slow the API down. A queue-only daemon on its
// socket; `GET /v1/queue` timed alone, then with `count` event streams open (spread over 100 queued jobs); then one
// stream past the cap, which must be refused with 429.
import { spawn } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { summary, tempDir } from "../lib.mjs";

const SERVER = path.join(import.meta.dirname, "queue-only-daemon.mjs");

function request(socketPath, method, urlPath, body) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      { socketPath, method, path: urlPath, headers: body ? { "content-type": "application/json" } : {} },
      (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode,
            ms: performance.now() - started,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

/** Opens an event stream and resolves once its first event (the job now) arrived, with a way to close it. */
function openStream(socketPath, jobId) {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path: `/v1/generations/${jobId}/events`, agent: false }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        resolve({ status: response.statusCode, close: () => req.destroy() });
        return;
      }
      response.once("data", () => resolve({ status: 200, close: () => req.destroy() }));
    });
    req.on("error", (error) => (error.code === "ECONNRESET" ? undefined : reject(error)));
    req.end();
  });
}

async function timeQueue(socketPath, times) {
  const ms = [];
  for (let index = 0; index < times; index += 1) ms.push((await request(socketPath, "GET", "/v1/queue")).ms);
  return summary(ms);
}

export async function streams({ count }) {
  const dataDir = tempDir("streams");
  const child = spawn(
    process.execPath,
    [SERVER, dataDir, "normal", JSON.stringify({ maxEventStreams: count, maxEventStreamsPerClient: count })],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const socketPath = await new Promise((resolve, reject) => {
    child.stdout.once("data", (chunk) => resolve(chunk.toString().trim()));
    child.once("exit", (code) => reject(new Error(`queue-only daemon exited with ${code}`)));
  });
  child.removeAllListeners("exit");
  try {
    const jobs = [];
    for (let index = 0; index < 100; index += 1)
      jobs.push(
        JSON.parse((await request(socketPath, "POST", "/v1/generations", { prompt: `followed ${index}` })).body).jobId,
      );
    const alone = await timeQueue(socketPath, 200);
    const open = [];
    for (let index = 0; index < count; index += 50) {
      open.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(50, count - index) }, (_, offset) =>
            openStream(socketPath, jobs[(index + offset) % jobs.length]),
          ),
        )),
      );
    }
    const opened = open.filter((stream) => stream.status === 200).length;
    // A few of the shared feed's ticks pass with every stream open.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const withStreams = await timeQueue(socketPath, 200);
    const past = await openStream(socketPath, jobs[0]);
    past.close();
    for (const stream of open) stream.close();
    return { count, opened, pastCapStatus: past.status, queueAloneMs: alone, queueWithStreamsMs: withStreams };
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  }
}
