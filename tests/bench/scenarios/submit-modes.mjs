// A new song sent by "api" (the app's own tool call from inside the page) against by "ui" (the compose panel and
// its Create button): a job's time and the daemon's CPU (its Node and its Chromium), one page, rounds interleaved.
import { startSite, summary } from "../lib.mjs";
import { described, interleaved, throughput } from "./pages.mjs";

export async function submitModes({ rounds, jobs, generationMs }) {
  const site = await startSite({ generationMs });
  let ui;
  let api;
  try {
    [ui, api] = await interleaved(
      rounds,
      () => throughput(site, { pages: 1, jobs, submit: "ui" }),
      () => throughput(site, { pages: 1, jobs, submit: "api" }),
    );
  } finally {
    await site.close();
  }
  // One page runs one job at a time: a job's time is the run's time over its jobs.
  const msPerJob = (run) => 1000 / run.perSec;
  const cpuSecsPerJob = (run) => run.perJob.daemon + run.perJob.chromium;
  const byUi = described(ui);
  const byApi = described(api);
  return {
    generationMs,
    msPerJob: { ui: summary(ui.map(msPerJob)), api: summary(api.map(msPerJob)) },
    cpuSecsPerJob: { ui: summary(ui.map(cpuSecsPerJob)), api: summary(api.map(cpuSecsPerJob)) },
    timeRatio: summary(api.map((run, index) => msPerJob(run) / msPerJob(ui[index]))),
    cpuRatio: summary(api.map((run, index) => cpuSecsPerJob(run) / cpuSecsPerJob(ui[index]))),
    cpuSplit: { ui: byUi.cpuSecsPerJob, api: byApi.cpuSecsPerJob },
    stepsMs: { ui: byUi.stepsMs, api: byApi.stepsMs },
  };
}
