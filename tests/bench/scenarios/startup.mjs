// Daemon start to ready against a bare Chromium launch plus first page; CLI start times; exit after SIGTERM.
import { loadConfig } from "@producer/config";
import { ProducerClient } from "@producer/core/client";
import { writeLoginState } from "@producer/session";
import { daemonEnv, startDaemonProcess, startSite, stopProcess, summary, tempDir, timeCommand } from "../lib.mjs";
import { launch } from "./floor-script.mjs";

export async function startup({ rounds }) {
  const site = await startSite();
  const dataDir = tempDir("startup");
  const env = daemonEnv(site, dataDir);
  const { config } = loadConfig({ env, configFile: false });
  writeLoginState(config.paths.stateFile, site.issueSession());
  const ready = [];
  const bare = [];
  const exit = [];
  const cli = { help: [], jobs: [], tracks: [], generate: [] };
  try {
    for (let round = 0; round < rounds; round += 1) {
      const started = performance.now();
      const browser = await launch();
      const context = await browser.newContext({ storageState: site.issueSession() });
      const page = await context.newPage();
      await page.goto(new URL("/session", site.url).href);
      bare.push(performance.now() - started);
      await browser.close();

      const { child, readyMs } = await startDaemonProcess(env, { logLevel: "info" });
      ready.push(readyMs);
      cli.help.push(await timeCommand(["--help"], env));
      cli.jobs.push(await timeCommand(["jobs"], env));
      cli.tracks.push(await timeCommand(["tracks"], env));
      cli.generate.push(await timeCommand(["generate", `startup ${round}`], env));
      // Exit is measured from the last job's end: wait for every job the CLI queued.
      const client = new ProducerClient({ socketPath: config.daemon.socketPath });
      const { jobs } = await client.listJobs({ limit: 10 });
      await Promise.all(jobs.map((job) => client.waitForJob(job.id, { timeoutMs: 120_000 })));
      exit.push(await stopProcess(child));
    }
  } finally {
    await site.close();
  }
  return {
    daemonReadyMs: summary(ready),
    bareLaunchMs: summary(bare),
    readyOverBare: summary(ready.map((value, index) => value / bare[index])),
    cliMs: Object.fromEntries(Object.entries(cli).map(([name, values]) => [name, summary(values)])),
    exitMs: summary(exit),
  };
}
