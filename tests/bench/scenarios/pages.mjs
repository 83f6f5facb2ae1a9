// Throughput with 1 page against N pages (and N jobs at once) at a given generation time, rounds interleaved.
import fs from "node:fs";
import { loadConfig } from "@producer/config";
import { isTerminal, ProducerClient } from "@producer/core/client";
import { writeLoginState } from "@producer/session";
import { daemonEnv, startDaemonProcess, startSite, stopProcess, summary, tempDir } from "../lib.mjs";

/** The machine's CPU time so far, busy and in all (jiffies, every core), from /proc/stat. */
function cpuTimes() {
  const [, ...fields] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
  const values = fields.map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

async function throughput(site, pages, jobs) {
  const dataDir = tempDir(`pages-${pages}`);
  const env = daemonEnv(site, dataDir, {
    PRODUCER_BROWSER_PAGE_COUNT: String(pages),
    PRODUCER_QUEUE_CONCURRENCY: String(pages),
  });
  const { config } = loadConfig({ env, configFile: false });
  writeLoginState(config.paths.stateFile, site.issueSession());
  const { child } = await startDaemonProcess(env);
  const client = new ProducerClient({ socketPath: config.daemon.socketPath });
  try {
    await client.generateMusic({ prompt: "warm-up", useQueue: false });
    const started = performance.now();
    const cpuBefore = cpuTimes();
    const ids = [];
    for (let index = 0; index < jobs; index += 1)
      ids.push((await client.generateMusic({ prompt: `job ${index}` })).jobId);
    const ended = await Promise.all(ids.map((id) => client.waitForJob(id, { timeoutMs: 600_000 })));
    if (!ended.every((job) => isTerminal(job.status) && job.status === "succeeded"))
      throw new Error("a job did not succeed");
    const cpuAfter = cpuTimes();
    busyShares.push({ pages, busy: (cpuAfter.busy - cpuBefore.busy) / Math.max(1, cpuAfter.total - cpuBefore.total) });
    return jobs / ((performance.now() - started) / 1000);
  } finally {
    await stopProcess(child);
  }
}

/** How busy the machine's cores were during each run: a share near 1 means the run was bound by CPU. */
const busyShares = [];

export async function pagesScaling({ rounds, jobs, pages = 4, generationMs = 2000 }) {
  const site = await startSite({ generationMs });
  const one = [];
  const many = [];
  busyShares.length = 0;
  try {
    for (let round = 0; round < rounds; round += 1) {
      if (round % 2 === 0) {
        one.push(await throughput(site, 1, jobs));
        many.push(await throughput(site, pages, jobs));
      } else {
        many.push(await throughput(site, pages, jobs));
        one.push(await throughput(site, 1, jobs));
      }
    }
  } finally {
    await site.close();
  }
  const busy = (count) => summary(busyShares.filter((share) => share.pages === count).map((share) => share.busy));
  return {
    pages,
    generationMs,
    onePagePerSec: summary(one),
    manyPagesPerSec: summary(many),
    speedup: summary(many.map((value, index) => value / one[index])),
    cpuBusyOnePage: busy(1),
    cpuBusyManyPages: busy(pages),
  };
}
