// Shared pieces of the comparing suite: statistics, the machine, the simulator, Chromium, processes.
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { findBrowserExecutable, loadConfig } from "@producer/config";
import { ProducerClient } from "@producer/core/client";
import { writeLoginState } from "@producer/session";
import { start } from "@producer/simulator";
import { FAST_SIMULATOR, makeTempDir, producerEnvironment, removeDir } from "@producer/test-utils";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");
export const PRODUCER_BIN = path.join(ROOT, "apps", "daemon", "bin", "producer.js");

export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (at - low);
}

/** Median and interquartile range. */
export const summary = (values) => ({
  median: quantile(values, 0.5),
  q1: quantile(values, 0.25),
  q3: quantile(values, 0.75),
  n: values.length,
});
export const fmt = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "—");
export const fmtSummary = (s, unit = "", digits = 0) =>
  `${fmt(s.median, digits)}${unit} (IQR ${fmt(s.q1, digits)}–${fmt(s.q3, digits)})`;

export function machine() {
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? "unknown",
    loadavg: os.loadavg().map((load) => Number(load.toFixed(2))),
    node: process.version,
    memGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
  };
}

/** Folders made for a run: removed when the run ends, so no stored song outlives it. */
const made = [];
process.once("exit", () => {
  for (const dir of made) removeDir(dir);
});

export const tempDir = (name) => {
  const dir = makeTempDir(`producer-bench-${name}-`);
  made.push(dir);
  return dir;
};

/**
 * The simulated 2026 app answering at once, with songs a little longer than the tests' and credits to spare. Its
 * page polls a generation's status every 3 s, as the facts say the real one does (every 3–4 s): the tests' quicker
 * poll would cost every open page CPU that the real page does not spend.
 */
export async function startSite(options = {}) {
  return start({
    ...FAST_SIMULATOR,
    statusPollMs: 3000,
    songDurationSecs: [2, 3],
    startingCredits: 1_000_000,
    ...options,
  });
}

/**
 * The simulated app in a child process: { url, issueSession(), close() }, like `startSite`, for scenarios that
 * measure the bench process's own memory.
 */
export async function startSiteProcess(options = {}) {
  const child = spawn(
    process.execPath,
    [path.join(import.meta.dirname, "scenarios", "site-process.mjs"), JSON.stringify(options)],
    {
      stdio: ["ignore", "pipe", "inherit", "ipc"],
    },
  );
  const line = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk.toString();
      if (out.includes("\n")) resolve(out.split("\n")[0]);
    });
    child.once("exit", (code) => reject(new Error(`the simulator exited with ${code}`)));
  });
  child.removeAllListeners("exit");
  const { url, session } = JSON.parse(line);
  return { url, issueSession: () => session, close: () => stopProcess(child) };
}

/**
 * A daemon process signed in to `site`, its data under a fresh folder named after `name`: its child process, its
 * resolved config and a client on its socket (with readyMs / warmMs as startDaemonProcess gives them).
 */
export async function startSignedInDaemon(site, name, extraEnv = {}, options = {}) {
  const env = daemonEnv(site, tempDir(name), extraEnv);
  const { config } = loadConfig({ env, configFile: false });
  writeLoginState(config.paths.stateFile, site.issueSession());
  const started = await startDaemonProcess(env, options);
  return { ...started, config, client: new ProducerClient({ socketPath: config.daemon.socketPath }) };
}

/** The environment a daemon process needs to drive `site`, keeping everything under `dataDir`. */
export function daemonEnv(site, dataDir, extra = {}) {
  return producerEnvironment(
    { dataDir, siteUrl: site.url },
    { PRODUCER_QUEUE_MAX_QUEUED: "100000", PRODUCER_LOG_LEVEL: "warn", ...extra },
  );
}

export function chromiumPath() {
  return findBrowserExecutable(loadConfig({ env: {}, configFile: false }).config);
}
export const chromiumArgs = () => [
  ...loadConfig({ env: {}, configFile: false }).config.browser.args,
  ...(process.getuid?.() === 0 ? ["--no-sandbox"] : []),
];

/** Starts `producer daemon` and resolves once it is ready, with the time that took. */
export async function startDaemonProcess(env, { logLevel = "info" } = {}) {
  const started = performance.now();
  // BENCH_DAEMON_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/p") passes Node flags to the daemon, to profile it.
  const nodeArgs = (process.env.BENCH_DAEMON_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, PRODUCER_BIN, "daemon"], {
    env: { ...env, PRODUCER_LOG_LEVEL: logLevel },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`daemon not ready:\n${log}`)), 60_000);
    child.stderr.on("data", (chunk) => {
      log += chunk.toString();
      if (log.includes("producer daemon ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`daemon exited with ${code}:\n${log}`)));
  });
  child.removeAllListeners("exit");
  const readyMs = performance.now() - started;
  // Ready does not wait for the browser; the time until it is warm (session checked) is told apart.
  const warmMs = new Promise((resolve) => {
    const look = () => {
      if (!/the browser is warm|session is not usable yet/.test(log)) return false;
      resolve(performance.now() - started);
      return true;
    };
    if (!look()) child.stderr.on("data", look);
  });
  return { child, readyMs, warmMs };
}

/** SIGTERM, and the time until the process is gone. */
export async function stopProcess(child) {
  if (child.exitCode !== null) return 0;
  const started = performance.now();
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  await exited;
  clearTimeout(timer);
  return performance.now() - started;
}

/** Wall time of a Node process with `args`, spawn to exit, in ms. */
export async function timeNode(args, { env = process.env, cwd } = {}) {
  const started = performance.now();
  await new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env, cwd, stdio: "ignore" });
    child.once("exit", resolve);
  });
  return performance.now() - started;
}

/** Wall time of a `producer` command, in ms. */
export const timeCommand = (args, env) => timeNode([PRODUCER_BIN, ...args], { env });

/** Proportional set size of every process whose command line contains `marker`, in MiB (Linux). */
export function pssMiB(marker) {
  let total = 0;
  for (const pid of fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!cmdline.includes(marker)) continue;
      const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
      total += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) / 1024;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Bytes under a folder. */
export function duBytes(dir) {
  let total = 0;
  if (!fs.existsSync(dir)) return 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    try {
      total += fs.statSync(path.join(entry.parentPath ?? entry.path, entry.name)).size;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/**
 * The daemon's own account of its jobs' steps so far, from its `/metrics`: each step's total seconds and count.
 * The steps on the page inside `generating` (open, compose, submit, generation, download) are keyed `page <step>`.
 */
export async function stepTotals(socketPath) {
  const text = await new Promise((resolve, reject) => {
    const request = http.request({ socketPath, path: "/metrics" }, (response) => {
      let body = "";
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () => resolve(body));
    });
    request.on("error", reject);
    request.end();
  });
  const totals = {};
  const lines = /^producer_(page_)?step_duration_seconds_(sum|count)\{step="([^"]+)"\} ([\d.e+-]+)$/gm;
  for (const [, page, field, step, value] of text.matchAll(lines)) {
    const key = page ? `page ${step}` : step;
    totals[key] ??= { sum: 0, count: 0 };
    totals[key][field] = Number(value);
  }
  return totals;
}

/** The mean milliseconds of each step, over the totals given (or between two readings of them). */
export function stepMeans(after, before = {}) {
  return Object.fromEntries(
    Object.entries(after).map(([step, { sum, count }]) => {
      const jobs = count - (before[step]?.count ?? 0);
      return [step, jobs > 0 ? ((sum - (before[step]?.sum ?? 0)) * 1000) / jobs : 0];
    }),
  );
}
