// Requests per second through the daemon's HTTP app on its Unix socket (request id, logging, body limit and
// the error boundary included), 16 connections. Target: at least 2000 req/s for GET /healthz.
import http from "node:http";
import { loadConfig } from "@producer/config";
import { ProducerService } from "@producer/core";
import { closeServer, createApp, listenOnSocket } from "../dist/index.js";
import { createTempDir } from "@producer/utils";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const TARGET = 2000;
const tempDir = await createTempDir("producer-http-bench-");
const dir = tempDir.path;
const { config } = loadConfig({ env: {}, configFile: false, overrides: { paths: { dataDir: dir } } });
const service = await ProducerService.create({ config });
const server = await listenOnSocket(createApp({ config, service }), config.daemon.socketPath);
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const get = () =>
  new Promise((resolve, reject) => {
    const request = http.get({ socketPath: config.daemon.socketPath, path: "/healthz", agent }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode));
    });
    request.on("error", reject);
  });
let count = 0;
const deadline = performance.now() + SECONDS * 1000;
await Promise.all(
  Array.from({ length: 16 }, async () => {
    while (performance.now() < deadline) {
      if ((await get()) !== 200) throw new Error("unexpected status");
      count += 1;
    }
  }),
);
agent.destroy();
await closeServer(server);
await service.close({ graceMs: 0 });
await tempDir.cleanup();
const perSec = count / SECONDS;
console.log(`daemon over its Unix socket: ${perSec.toFixed(0)} req/s (GET /healthz, 16 connections, ${SECONDS} s)`);
console.log(`target: >= ${TARGET} req/s — ${perSec >= TARGET ? "met" : "MISSED"}`);
process.exitCode = perSec >= TARGET ? 0 : 1;
