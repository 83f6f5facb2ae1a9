// The daemon end to end (client → daemon → stored track) against the bare Playwright floor on open pages and a
// cold launch-per-request script, interleaved round by round.
import { startSignedInDaemon, startSite, stepMeans, stepTotals, stopProcess, summary, tempDir } from "../lib.mjs";
import { coldGeneration, generateOnPages, launch, openPages, openStore } from "./floor-script.mjs";

export async function endToEnd({ rounds, pageCostMs = 0 }) {
  const site = await startSite({ pageCostMs });
  const { child, config, client } = await startSignedInDaemon(site, "e2e");
  const browser = await launch();
  const pages = await openPages(browser, site);
  const store = openStore(tempDir("floor"));
  const coldStore = openStore(tempDir("cold"));
  const variants = {
    daemon: async (prompt) => {
      const result = await client.generateMusic({ prompt, useQueue: false });
      if (result.job.status !== "succeeded" || result.tracks.length !== 2)
        throw new Error(`daemon job ${result.job.status}`);
    },
    floor: (prompt) => generateOnPages(pages, prompt, store),
    cold: (prompt) => coldGeneration(site, prompt, coldStore),
  };
  const times = { daemon: [], floor: [], cold: [] };
  let breakdown = {};
  const names = Object.keys(variants);
  try {
    for (const name of names) await variants[name](`warm-up ${name}`);
    // The breakdown is of the timed jobs alone: the warm-up's studio load would weigh on every mean.
    const stepsBefore = await stepTotals(config.daemon.socketPath);
    for (let round = 0; round < rounds; round += 1) {
      const order = names.map((_, index) => names[(index + round) % names.length]);
      for (const name of order) {
        const started = performance.now();
        await variants[name](`round ${round} ${name}`);
        times[name].push(performance.now() - started);
      }
    }
    breakdown = stepMeans(await stepTotals(config.daemon.socketPath), stepsBefore);
  } finally {
    await browser.close();
    store.close();
    coldStore.close();
    await stopProcess(child);
    await site.close();
  }
  const ratio = (a, b) => times[a].map((value, index) => value / times[b][index]);
  return {
    pageCostMs,
    breakdownMs: breakdown,
    daemonMs: summary(times.daemon),
    floorMs: summary(times.floor),
    coldMs: summary(times.cold),
    daemonOverFloor: summary(ratio("daemon", "floor")),
    coldOverDaemon: summary(ratio("cold", "daemon")),
  };
}
