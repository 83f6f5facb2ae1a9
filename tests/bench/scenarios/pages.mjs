// Throughput with 1 page against N pages (and N jobs at once) at a given generation time, rounds interleaved; each
// run's jobs/s, CPU and step times, for other scenarios to compare runs of their own.
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

/**
 * One daemon with `pages` pages (each warm) and as many jobs at once, sending new songs by `submit` ("ui" or
 * "api"), running `jobs` jobs: jobs/s, how busy the machine's cores were (a share near 1 means the run was bound by
 * CPU), a job's mean time in each of the daemon's steps ("generating" is everything on the page) and a job's CPU
 * seconds (the daemon's Node, its Chromium, and this process: the simulated site and the bench).
 */
export async function throughput(site, { pages, jobs, submit = "ui" }) {
  const { child, config, client } = await startSignedInDaemon(site, `pages-${pages}-${submit}`, {
    PRODUCER_BROWSER_PAGE_COUNT: String(pages),
    PRODUCER_QUEUE_CONCURRENCY: String(pages),
    PRODUCER_SITE_SUBMIT: submit,
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
    const perSec = jobs / ((performance.now() - started) / 1000);
    const cpuAfter = cpuTimes();
    const treeAfter = treeCpuSecs(child.pid);
    return {
      pages,
      submit,
      perSec,
      busy: (cpuAfter.busy - cpuBefore.busy) / Math.max(1, cpuAfter.total - cpuBefore.total),
      stepsMs: stepMeans(await stepTotals(config.daemon.socketPath), stepsBefore),
      perJob: {
        chromium: (treeAfter.chromium - treeBefore.chromium) / jobs,
        daemon: (treeAfter.daemon - treeBefore.daemon) / jobs,
        site: (ownCpuSecs() - ownBefore) / jobs,
      },
    };
  } finally {
    await stopProcess(child);
  }
}

/** Runs `first` and `second` once a round, in turns (`first` leads in even rounds), so the machine's load hits both alike. */
export async function interleaved(rounds, first, second) {
  const firsts = [];
  const seconds = [];
  for (let round = 0; round < rounds; round += 1) {
    if (round % 2 === 0) {
      firsts.push(await first());
      seconds.push(await second());
    } else {
      seconds.push(await second());
      firsts.push(await first());
    }
  }
  return [firsts, seconds];
}

/** Runs of `throughput` summed up: how busy the cores were, and a job's mean CPU seconds and step times. */
export function described(runs) {
  const mean = (values) => values.reduce((total, value) => total + value, 0) / Math.max(1, values.length);
  const steps = [...new Set(runs.flatMap((run) => Object.keys(run.stepsMs)))];
  return {
    busy: summary(runs.map((run) => run.busy)),
    cpuSecsPerJob: Object.fromEntries(
      ["chromium", "daemon", "site"].map((key) => [key, mean(runs.map((run) => run.perJob[key]))]),
    ),
    stepsMs: Object.fromEntries(steps.map((step) => [step, mean(runs.map((run) => run.stepsMs[step] ?? 0))])),
  };
}

/** Jobs/s with 1 page against `pages` pages (and as many jobs at once), rounds interleaved. */
export async function pagesScaling({
  rounds,
  jobs,
  pages = 4,
  generationMs = 2000,
  submit = "ui",
  site: siteOptions = {},
}) {
  const site = await startSite({ generationMs, ...siteOptions });
  let one;
  let many;
  try {
    [one, many] = await interleaved(
      rounds,
      () => throughput(site, { pages: 1, jobs, submit }),
      () => throughput(site, { pages, jobs, submit }),
    );
  } finally {
    await site.close();
  }
  const alone = described(one);
  const together = described(many);
  return {
    pages,
    generationMs,
    submit,
    onePagePerSec: summary(one.map((run) => run.perSec)),
    manyPagesPerSec: summary(many.map((run) => run.perSec)),
    speedup: summary(many.map((run, index) => run.perSec / one[index].perSec)),
    cpuBusyOnePage: alone.busy,
    cpuBusyManyPages: together.busy,
    cpuSecsPerJobOnePage: alone.cpuSecsPerJob,
    cpuSecsPerJobManyPages: together.cpuSecsPerJob,
    stepsMsOnePage: alone.stepsMs,
    stepsMsManyPages: together.stepsMs,
  };
}
