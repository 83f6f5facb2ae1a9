// A daemon without a browser (queue only) on a Unix socket, for the submit benchmark: prints its socket path.
import path from "node:path";
import { loadConfig } from "@producer/config";
import { ProducerService } from "@producer/core";
import { createApp, listenOnSocket } from "@producer/daemon";

const [dataDir, synchronous] = process.argv.slice(2);
const { config } = loadConfig({
  env: {},
  configFile: false,
  overrides: { paths: { dataDir }, queue: { maxQueued: 1_000_000 }, database: { sqliteSynchronous: synchronous }, log: { level: "error" } },
});
const service = await ProducerService.create({ config });
const socketPath = path.join(dataDir, "queue.sock");
const server = await listenOnSocket(createApp({ config, service }), socketPath);
process.stdout.write(`${socketPath}\n`);
process.once("SIGTERM", () => server.close(() => service.close({ graceMs: 0 }).then(() => process.exit(0))));
