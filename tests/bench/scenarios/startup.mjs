// Daemon start to ready against a bare Chromium launch plus first page; CLI start times; exit after SIGTERM.
import { loadConfig } from "@producer/config";
import { ProducerClient } from "@producer/core/client";
import { writeLoginState } from "@producer/session";
import {
  daemonEnv,
  ROOT,
  startDaemonProcess,
  startSite,
  stopProcess,
  summary,
  tempDir,
  timeCommand,
  timeNode,
} from "../lib.mjs";
import { spawn } from "node:child_process";
import path from "node:path";

/**
 * A bare script's start, measured as the daemon's is, from process spawn: Node, Playwright, a Chromium launch, a
 * signed-in context and the first page.
 */
async function bareStart(site) {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [path.join(import.meta.dirname, "bare-start.mjs"), JSON.stringify({ url: site.url, session: site.issueSession() })],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  await new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk) => chunk.toString().includes("ready") && resolve());
    child.once("exit", (code) => reject(new Error(`the bare script exited with ${code}`)));
  });
  const ms = performance.now() - started;
  child.removeAllListeners("exit");
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const closing = performance.now();
  child.stdin.end();
  await exited;
  return { ms, exitMs: performance.now() - closing };
}

/** How long the daemon is left to settle after its start (its first page's scripts, the session check) before the CLI is timed. */
const CLI_SETTLE_MS = 2000;

export async function startup({ rounds }) {
  const site = await startSite();
  const dataDir = tempDir("startup");
  const env = daemonEnv(site, dataDir);
  const { config } = loadConfig({ env, configFile: false });
  writeLoginState(config.paths.stateFile, site.issueSession());
  const ready = [];
  const warm = [];
  const bare = [];
  const exit = [];
  const bareExit = [];
  const cli = { help: [], jobs: [], tracks: [], job: [], generate: [] };
  // What any Node command costs here: Node's own start, and loading the configuration (its zod schema).
  const node = [];
  const configLoad = [];
  try {
    for (let round = 0; round < rounds; round += 1) {
      const bareRun = await bareStart(site);
      bare.push(bareRun.ms);
      bareExit.push(bareRun.exitMs);
      const { child, readyMs, warmMs } = await startDaemonProcess(env, { logLevel: "info" });
      ready.push(readyMs);
      warm.push(await warmMs);
      // The CLI is timed as a user meets it: beside a daemon that has settled after its start, and against Node's
      // own start and the configuration's load measured at the same moment.
      await new Promise((resolve) => setTimeout(resolve, CLI_SETTLE_MS));
      node.push(await timeNode(["-e", ""]));
      configLoad.push(
        await timeNode(["--input-type=module", "-e", 'await import("@producer/config")'], {
          cwd: path.join(ROOT, "apps", "daemon"),
        }),
      );
      cli.help.push(await timeCommand(["--help"], env));
      cli.jobs.push(await timeCommand(["jobs"], env));
      cli.tracks.push(await timeCommand(["tracks"], env));
      cli.generate.push(await timeCommand(["generate", `startup ${round}`], env));
      const client = new ProducerClient({ socketPath: config.daemon.socketPath });
      const { jobs } = await client.listJobs({ limit: 10 });
      // Exit is measured from the last job's end: wait for every job the CLI queued.
      await Promise.all(jobs.map((job) => client.waitForJob(job.id, { timeoutMs: 120_000 })));
      // One job read back once it ended, as a user looks at it (a running job's daemon is busy with its page).
      cli.job.push(await timeCommand(["job", jobs[0].id], env));
      exit.push(await stopProcess(child));
    }
  } finally {
    await site.close();
  }
  return {
    daemonReadyMs: summary(ready),
    bareLaunchMs: summary(bare),
    readyOverBare: summary(ready.map((value, index) => value / bare[index])),
    daemonWarmMs: summary(warm),
    warmOverBare: summary(warm.map((value, index) => value / bare[index])),
    cliMs: Object.fromEntries(Object.entries(cli).map(([name, values]) => [name, summary(values)])),
    exitMs: summary(exit),
    bareExitMs: summary(bareExit),
    nodeStartMs: summary(node),
    configLoadMs: summary(configLoad),
  };
}
