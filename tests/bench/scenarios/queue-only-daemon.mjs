// A daemon without a browser (queue only) on a Unix socket, for the submit and stream benchmarks: prints its socket
// path. Arguments: data dir, SQLite synchronous mode, and optionally the daemon settings as JSON.
import path from "node:path";
import { loadConfig } from "@producer/config";
import { ProducerService } from "@producer/core";
import { createApp, listenOnSocket } from "@producer/daemon";

const [dataDir, synchronous, daemonJson] = process.argv.slice(2);
const { config } = loadConfig({
  env: {},
  configFile: false,
  overrides: {
    paths: { dataDir },
    queue: { maxQueued: 1_000_000 },
    database: { sqliteSynchronous: synchronous },
    log: { level: "error" },
    ...(daemonJson ? { daemon: JSON.parse(daemonJson) } : {}),
  },
});
const service = await ProducerService.create({ config });
const socketPath = path.join(dataDir, "queue.sock");
const server = await listenOnSocket(createApp({ config, service }), socketPath);
process.stdout.write(`${socketPath}\n`);
process.once("SIGTERM", () => server.close(() => service.close({ graceMs: 0 }).then(() => process.exit(0))));
