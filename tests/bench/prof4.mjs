// Where a job's time goes with N pages (default 4): every page warmed first, then M jobs at once (default 12);
// prints the total, the daemon's mean stage times (/metrics) and each job's site steps (the daemon's debug log).
// BENCH_DAEMON_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/p" profiles the daemon as well.
import http from "node:http";
import { startSignedInDaemon, startSite, stopProcess } from "./lib.mjs";

const pages = Number(process.argv[2] ?? 4);
const jobs = Number(process.argv[3] ?? 12);
const site = await startSite({ generationMs: 2000 });
const { child, config, client } = await startSignedInDaemon(
  site,
  "prof",
  { PRODUCER_BROWSER_PAGE_COUNT: String(pages), PRODUCER_QUEUE_CONCURRENCY: String(pages) },
  { logLevel: "debug" },
);
let log = "";
child.stderr.on("data", (chunk) => {
  log += chunk;
});
const runAll = async (prefix, count) => {
  const ids = [];
  for (let index = 0; index < count; index += 1)
    ids.push((await client.generateMusic({ prompt: `${prefix} ${index}` })).jobId);
  return Promise.all(ids.map((id) => client.waitForJob(id, { timeoutMs: 600_000 })));
};
await runAll("warm", pages);
log = "";
const started = performance.now();
const ended = await runAll("p", jobs);
console.log("total", Math.round(performance.now() - started), "ms;", ended.map((job) => job.status).join(","));
const metrics = await new Promise((resolve, reject) => {
  const request = http.request({ socketPath: config.daemon.socketPath, path: "/metrics" }, (response) => {
    let body = "";
    response.on("data", (chunk) => (body += chunk));
    response.on("end", () => resolve(body));
  });
  request.on("error", reject);
  request.end();
});
console.log(
  metrics
    .split("\n")
    .filter((line) => line.startsWith("producer_step_duration_seconds_"))
    .join("\n"),
);
await stopProcess(child);
await site.close();
for (const line of log.split("\n"))
  if (line.includes("generation steps")) {
    const steps = JSON.parse(line).steps;
    console.log(
      JSON.stringify(steps),
      Object.values(steps).reduce((a, b) => a + b, 0),
    );
  }
