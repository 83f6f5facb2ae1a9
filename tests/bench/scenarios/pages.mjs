// Throughput with 1 page against N pages (and N jobs at once) at a given generation time, rounds interleaved.
import fs from "node:fs";
import { isTerminal } from "@producer/core/client";
import { startSignedInDaemon, startSite, stepMeans, stepTotals, stopProcess, summary } from "../lib.mjs";

/** The machine's CPU time so far, busy and in all (jiffies, every core), from /proc/stat. */
function cpuTimes() {
  const [, ...fields] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
  const values = fields.map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** CPU seconds so far of `root` and each process under it, split into the daemon's Node and its Chromium. */
function treeCpuSecs(root) {
  const stats = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command (which may hold spaces) in parentheses: state, ppid, … utime (14), stime (15).
      const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
      stats.push({
        pid: Number(entry),
        ppid: Number(rest[1]),
        cpu: (Number(rest[11]) + Number(rest[12])) / CLOCK_TICKS,
      });
    } catch {
      // The process ended meanwhile.
    }
  }
  const under = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const stat of stats)
      if (!under.has(stat.pid) && under.has(stat.ppid)) {
        under.add(stat.pid);
        grew = true;
      }
  }
  const ours = stats.filter((stat) => under.has(stat.pid));
  const sum = (list) => list.reduce((total, stat) => total + stat.cpu, 0);
  return {
    daemon: sum(ours.filter((stat) => stat.pid === root)),
    chromium: sum(ours.filter((stat) => stat.pid !== root)),
  };
}
/** Clock ticks a second, as /proc counts CPU time (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100;
/** This process's CPU seconds so far: the bench, the simulated site and its storage, which run in it. */
const ownCpuSecs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

async function throughput(site, pages, jobs) {
  const { child, config, client } = await startSignedInDaemon(site, `pages-${pages}`, {
    PRODUCER_BROWSER_PAGE_COUNT: String(pages),
    PRODUCER_QUEUE_CONCURRENCY: String(pages),
  });
  try {
    // Every page warm, as in a daemon that has been running: each has loaded its studio once.
    const warmUps = [];
    for (let index = 0; index < pages; index += 1)
      warmUps.push((await client.generateMusic({ prompt: `warm-up ${index}` })).jobId);
    await Promise.all(warmUps.map((id) => client.waitForJob(id, { timeoutMs: 600_000 })));
    const started = performance.now();
    const cpuBefore = cpuTimes();
    const treeBefore = treeCpuSecs(child.pid);
    const stepsBefore = await stepTotals(config.daemon.socketPath);
    const ownBefore = ownCpuSecs();
    const ids = [];
    for (let index = 0; index < jobs; index += 1)
      ids.push((await client.generateMusic({ prompt: `job ${index}` })).jobId);
    const ended = await Promise.all(ids.map((id) => client.waitForJob(id, { timeoutMs: 600_000 })));
    if (!ended.every((job) => isTerminal(job.status) && job.status === "succeeded"))
      throw new Error("a job did not succeed");
    const cpuAfter = cpuTimes();
    const treeAfter = treeCpuSecs(child.pid);
    busyShares.push({
      pages,
      busy: (cpuAfter.busy - cpuBefore.busy) / Math.max(1, cpuAfter.total - cpuBefore.total),
      // A job's mean time in each of the daemon's steps ("generating" is everything on the page).
      stepsMs: stepMeans(await stepTotals(config.daemon.socketPath), stepsBefore),
      // CPU seconds a job: where the machine's time went.
      perJob: {
        chromium: (treeAfter.chromium - treeBefore.chromium) / jobs,
        daemon: (treeAfter.daemon - treeBefore.daemon) / jobs,
        site: (ownCpuSecs() - ownBefore) / jobs,
      },
    });
    return jobs / ((performance.now() - started) / 1000);
  } finally {
    await stopProcess(child);
  }
}

/** How busy the machine's cores were during each run: a share near 1 means the run was bound by CPU. */
const busyShares = [];

export async function pagesScaling({ rounds, jobs, pages = 4, generationMs = 2000, site: siteOptions = {} }) {
  const site = await startSite({ generationMs, ...siteOptions });
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
  const perJob = (count) => {
    const shares = busyShares.filter((share) => share.pages === count);
    const mean = (key) => shares.reduce((total, share) => total + share.perJob[key], 0) / Math.max(1, shares.length);
    return { chromium: mean("chromium"), daemon: mean("daemon"), site: mean("site") };
  };
  const stepsOf = (count) => {
    const shares = busyShares.filter((share) => share.pages === count);
    const steps = [...new Set(shares.flatMap((share) => Object.keys(share.stepsMs)))];
    return Object.fromEntries(
      steps.map((step) => [
        step,
        shares.reduce((total, share) => total + (share.stepsMs[step] ?? 0), 0) / shares.length,
      ]),
    );
  };
  return {
    pages,
    generationMs,
    onePagePerSec: summary(one),
    manyPagesPerSec: summary(many),
    speedup: summary(many.map((value, index) => value / one[index])),
    cpuBusyOnePage: busy(1),
    cpuBusyManyPages: busy(pages),
    cpuSecsPerJobOnePage: perJob(1),
    cpuSecsPerJobManyPages: perJob(pages),
    stepsMsOnePage: stepsOf(1),
    stepsMsManyPages: stepsOf(pages),
  };
}
