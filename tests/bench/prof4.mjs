import { loadConfig } from "@producer/config";
import { ProducerClient } from "@producer/core/client";
import { writeLoginState } from "@producer/session";
import { daemonEnv, startDaemonProcess, startSite, stopProcess, tempDir } from "./lib.mjs";
const pages = Number(process.argv[2] ?? 4);
const site = await startSite({ generationMs: 2000 });
const dataDir = tempDir("prof");
const env = daemonEnv(site, dataDir, {
  PRODUCER_BROWSER_PAGE_COUNT: String(pages),
  PRODUCER_QUEUE_CONCURRENCY: String(pages),
});
const { config } = loadConfig({ env, configFile: false });
writeLoginState(config.paths.stateFile, site.issueSession());
const { child } = await startDaemonProcess(env, { logLevel: "debug" });
let log = "";
child.stderr.on("data", (c) => {
  log += c;
});
const client = new ProducerClient({ socketPath: config.daemon.socketPath });
await client.generateMusic({ prompt: "warm", useQueue: false });
const t = performance.now();
const ids = [];
for (let i = 0; i < 8; i++) ids.push((await client.generateMusic({ prompt: `p ${i}` })).jobId);
const jobs = await Promise.all(ids.map((id) => client.waitForJob(id, { timeoutMs: 600_000 })));
console.log("total", Math.round(performance.now() - t), jobs.map((j) => j.status).join(","));
await stopProcess(child);
await site.close();
for (const line of log.split("\n"))
  if (line.includes("generation steps")) {
    const s = JSON.parse(line).steps;
    console.log(
      JSON.stringify(s),
      Object.values(s).reduce((a, b) => a + b, 0),
    );
  }
