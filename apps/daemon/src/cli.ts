import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  ConfigError,
  ensureDataDirs,
  findBrowserExecutable,
  formatConfig,
  describeConfig,
  loadConfig,
  type ResolvedConfig,
} from "@producer/config";
import { isTerminal, openDatabase, migrateToLatest, ProducerClient, type Job, type Track } from "@producer/core";
import { checkLoginState, importLoginState, initLoginState } from "@producer/session";
import { createStorage, ProducerError, toProducerError } from "@producer/utils";
import { startDaemon } from "./daemon.js";
import { createDaemonLogger } from "./logger.js";

// The AWS SDK warns that its 2027 releases will need Node 22; the versions pinned here run on Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const HELP = `producer — generate music with ProducerAI through a warm, signed-in browser

Usage:
  producer daemon                              run the daemon in the foreground
  producer generate "<prompt>" [options]       submit a generation to the daemon
      --title T  --project P  --user U  --format wav|mp3|m4a  --instrumental  --lyrics TEXT
      --priority N  --idempotency-key K  --direct (run now, not queued)
      --wait (follow it to the end)  --json (machine-readable output)
  producer jobs [--status S] [--limit N] [--json]
  producer job <id> [--json]                   one job
  producer cancel <id>
  producer tracks [--project P] [--user U] [--job J] [--limit N] [--json]
  producer session init [--timeout-secs N]     sign in by hand in a browser window; saves the login state
  producer session import <file|->             take a storage state or cookie export (for servers)
  producer session check [--json]              is the saved login state usable, and why not
  producer config [--json]                     the effective configuration, with sources (secrets masked)
  producer doctor                              check this machine: Chromium, data dir, database, storage, session, socket

Exit codes: 0 ok, 1 failed, 2 bad usage or input, 3 daemon unreachable, 4 session problem, 5 timed out.`;

const EXIT_BY_CODE: Record<string, number> = {
  INVALID_INPUT: 2,
  INVALID_CONFIG: 2,
  UNAVAILABLE: 3,
  SESSION_EXPIRED: 4,
  CHALLENGE: 4,
  QUOTA_EXHAUSTED: 4,
  LOGIN_FAILED: 4,
  TIMEOUT: 5,
};

class UsageError extends Error {}

const tty = process.stdout.isTTY === true;
const print = (text: string) => process.stdout.write(`${text}\n`);
const json = (value: unknown) => print(JSON.stringify(value, null, 2));

function client(resolved: ResolvedConfig): ProducerClient {
  const { daemon } = resolved.config;
  return new ProducerClient({ socketPath: daemon.socketPath, ...(daemon.token ? { token: daemon.token } : {}) });
}

function describeTrack(track: Track): string {
  return `${track.storage.key}  ${track.durationSecs.toFixed(2)} s  sha256 ${track.sha256}`;
}

function describeJob(job: Job): string {
  const progress = job.progress
    ? ` (${job.progress.stage}${job.progress.songNumber ? ` ${job.progress.songNumber}/${job.progress.songCount}` : ""})`
    : "";
  const error = job.error ? ` — ${job.error.code}: ${job.error.message}` : "";
  return `${job.id}  ${job.status}${progress}  attempts ${job.attempts}  ${JSON.stringify(job.input.prompt.slice(0, 50))}${error}`;
}

async function follow(api: ProducerClient, jobId: string, asJson: boolean): Promise<Job> {
  const started = Date.now();
  let last: Job | undefined;
  for await (const job of api.events(jobId)) {
    last = job;
    if (asJson) continue;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const line = `  ${job.status.padEnd(11)}${job.progress ? ` ${job.progress.stage}${job.progress.songNumber ? ` ${job.progress.songNumber}/${job.progress.songCount}` : ""}` : ""}  ${seconds}s`;
    if (tty) process.stdout.write(`\r\u001b[2K${line}`);
    else print(line);
  }
  if (tty && !asJson) process.stdout.write("\n");
  return last ?? (await api.getJob(jobId));
}

async function commandGenerate(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      title: { type: "string" },
      project: { type: "string" },
      user: { type: "string" },
      format: { type: "string" },
      lyrics: { type: "string" },
      instrumental: { type: "boolean" },
      priority: { type: "string" },
      "idempotency-key": { type: "string" },
      direct: { type: "boolean" },
      wait: { type: "boolean" },
      json: { type: "boolean" },
    },
  });
  const prompt = positionals.join(" ").trim();
  if (!prompt) throw new UsageError('producer generate needs a prompt: producer generate "a happy pop song"');
  const api = client(loadConfig());
  const result = await api.generateMusic({
    prompt,
    ...(values.title ? { title: values.title } : {}),
    ...(values.project ? { projectId: values.project } : {}),
    ...(values.user ? { userId: values.user } : {}),
    ...(values.format ? { format: values.format as "wav" } : {}),
    ...(values.lyrics ? { lyrics: values.lyrics } : {}),
    ...(values.instrumental ? { instrumental: true } : {}),
    ...(values.priority ? { priority: Number(values.priority) } : {}),
    ...(values["idempotency-key"] ? { idempotencyKey: values["idempotency-key"] } : {}),
    useQueue: !values.direct,
  });
  if (!values.wait && !values.direct) {
    if (values.json) json(result);
    else print(`queued ${result.jobId} (position ${"position" in result ? result.position : "?"})`);
    return 0;
  }
  if (!values.json) print(`job ${result.jobId}`);
  const job = "job" in result && isTerminal(result.job.status) ? result.job : await follow(api, result.jobId, Boolean(values.json));
  if (values.json) json(job);
  else if (job.status === "succeeded") for (const track of job.tracks) print(`  ${describeTrack(track)}`);
  else print(`  ${job.status}${job.error ? `: ${job.error.code} — ${job.error.message}` : ""}`);
  return job.status === "succeeded" ? 0 : 1;
}

async function commandJobs(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { status: { type: "string" }, limit: { type: "string" }, json: { type: "boolean" } } });
  const page = await client(loadConfig()).listJobs({
    ...(values.status ? { status: values.status as "queued" } : {}),
    ...(values.limit ? { limit: Number(values.limit) } : {}),
  });
  if (values.json) json(page);
  else if (page.jobs.length === 0) print("no jobs");
  else for (const job of page.jobs) print(describeJob(job));
  return 0;
}

async function commandTracks(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { project: { type: "string" }, user: { type: "string" }, job: { type: "string" }, limit: { type: "string" }, json: { type: "boolean" } },
  });
  const page = await client(loadConfig()).listTracks({
    ...(values.project ? { projectId: values.project } : {}),
    ...(values.user ? { userId: values.user } : {}),
    ...(values.job ? { jobId: values.job } : {}),
    ...(values.limit ? { limit: Number(values.limit) } : {}),
  });
  if (values.json) json(page);
  else if (page.tracks.length === 0) print("no tracks");
  else for (const track of page.tracks) print(describeTrack(track));
  return 0;
}

async function commandSession(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const { config } = loadConfig();
  if (action === "init") {
    const { values } = parseArgs({ args: rest, options: { "timeout-secs": { type: "string" } } });
    print("A browser window opens on the ProducerAI sign-in page. Sign in; the window closes by itself.");
    const summary = await initLoginState({
      config,
      timeoutMs: Number(values["timeout-secs"] ?? 600) * 1000,
      logger: createDaemonLogger(config.log.level),
    });
    print(`saved ${summary.cookies} cookies to ${summary.stateFile} (mode 0600)${summary.expiresAt ? `; signed in until ${summary.expiresAt}` : ""}`);
    return 0;
  }
  if (action === "import") {
    const source = rest[0];
    if (!source) throw new UsageError("producer session import needs a file (or - for standard input).");
    const text = source === "-" ? fs.readFileSync(0, "utf8") : source;
    const summary = importLoginState({ config, source: text });
    print(`saved ${summary.cookies} cookies to ${summary.stateFile} (mode 0600)${summary.authCookie ? `; auth cookie ${summary.authCookie}` : "; no auth cookie found"}`);
    return 0;
  }
  if (action === "check") {
    const { values } = parseArgs({ args: rest, options: { json: { type: "boolean" } } });
    const status = await checkLoginState({ config });
    if (values.json) json(status);
    else print(`${status.valid ? "✓ valid" : "✗ needs re-auth"}: ${status.reason}`);
    return status.valid ? 0 : 4;
  }
  throw new UsageError("producer session init | import <file> | check");
}

async function commandDoctor(): Promise<number> {
  const results: Array<{ ok: boolean; what: string; hint?: string }> = [];
  const check = async (what: string, run: () => Promise<string | void>, hint: string) => {
    try {
      const detail = await run();
      results.push({ ok: true, what: detail ? `${what}: ${detail}` : what });
    } catch (error) {
      results.push({ ok: false, what: `${what}: ${(error as Error).message.split("\n")[0]}`, hint });
    }
  };
  let resolved: ResolvedConfig | undefined;
  await check("configuration is valid", async () => void (resolved = loadConfig()), "fix the settings named above");
  if (!resolved) return report(results);
  const { config } = resolved;
  await check("Chromium found", async () => findBrowserExecutable(config), "apt-get install chromium, or set PRODUCER_BROWSER_EXECUTABLE_PATH");
  await check("data dir writable", async () => {
    ensureDataDirs(config);
    const probe = path.join(config.paths.dataDir, `.doctor-${process.pid}`);
    fs.writeFileSync(probe, "ok", { mode: 0o600 });
    fs.rmSync(probe);
    return config.paths.dataDir;
  }, "make the data dir writable, or set PRODUCER_PATHS_DATA_DIR");
  await check("database migrates", async () => {
    const database = openDatabase(config);
    try {
      await migrateToLatest(database.db, database.dialect);
      return database.dialect;
    } finally {
      await database.close();
    }
  }, "check database.url (PRODUCER_DATABASE_URL) and that the server is reachable");
  await check("storage reachable (put and delete a probe)", async () => {
    const storage = createStorage(config);
    const key = `producer-doctor/probe-${Date.now()}.txt`;
    await storage.put(key, Buffer.from("producer doctor"), { contentType: "text/plain" });
    await storage.delete(key);
    return storage.kind;
  }, "check the bucket, endpoint and credentials (storage.s3.*), or the local storage folder");
  const api = client(resolved);
  const daemonUp = await api.health().then(() => true, () => false);
  await check("session valid", async () => {
    const status = daemonUp ? await api.session() : await checkLoginState({ config });
    if (!status.valid) throw new Error(status.reason);
    return daemonUp ? "checked by the running daemon" : "checked";
  }, "run `producer session init` (or `producer session import` on a server)");
  await check("socket", async () => {
    if (daemonUp) return `a daemon is running on ${config.daemon.socketPath}`;
    const existing = fs.lstatSync(config.daemon.socketPath, { throwIfNoEntry: false });
    if (existing && !existing.isSocket()) throw new Error(`${config.daemon.socketPath} exists and is not a socket`);
    return existing ? "a stale socket (the daemon replaces it at start)" : `free (${config.daemon.socketPath})`;
  }, "remove the file at daemon.socketPath, or choose another path");
  return report(results);
}

function report(results: Array<{ ok: boolean; what: string; hint?: string }>): number {
  for (const result of results) print(`${result.ok ? "✓" : "✗"} ${result.what}${result.ok || !result.hint ? "" : `\n    fix: ${result.hint}`}`);
  return results.every((result) => result.ok) ? 0 : 1;
}

async function commandDaemon(): Promise<number> {
  const { config } = loadConfig();
  const logger = createDaemonLogger(config.log.level);
  const daemon = await startDaemon(config, logger);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, "signal received");
      void daemon.close().then(resolve);
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "daemon":
        return await commandDaemon();
      case "generate":
        return await commandGenerate(rest);
      case "jobs":
        return await commandJobs(rest);
      case "job": {
        const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { json: { type: "boolean" } } });
        if (!positionals[0]) throw new UsageError("producer job <id>");
        const job = await client(loadConfig()).getJob(positionals[0]);
        if (values.json) json(job);
        else print(describeJob(job));
        return 0;
      }
      case "cancel": {
        if (!rest[0]) throw new UsageError("producer cancel <id>");
        print(describeJob(await client(loadConfig()).cancel(rest[0])));
        return 0;
      }
      case "tracks":
        return await commandTracks(rest);
      case "session":
        return await commandSession(rest);
      case "config": {
        const resolved = loadConfig();
        if (rest.includes("--json")) json(describeConfig(resolved));
        else print(formatConfig(resolved));
        return 0;
      }
      case "doctor":
        return await commandDoctor();
      case "--version":
        print("0.1.0");
        return 0;
      case undefined:
      case "help":
      case "--help":
      case "-h":
        print(HELP);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`Unknown command ${JSON.stringify(command)}. See producer --help.`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && "code" in error && String((error as { code: unknown }).code).startsWith("ERR_PARSE_ARGS"))) {
      process.stderr.write(`producer: ${error.message}\n`);
      return 2;
    }
    if (ConfigError.isInstance(error)) {
      process.stderr.write(`producer: ${error.message}\n`);
      return 2;
    }
    const failure = ProducerError.isInstance(error) ? error : toProducerError(error);
    process.stderr.write(`producer: [${failure.code}] ${failure.message}\n`);
    const fields = failure.details.fields as Array<{ path: string; message: string }> | undefined;
    for (const field of fields ?? []) process.stderr.write(`  ${field.path || "(body)"}: ${field.message}\n`);
    return EXIT_BY_CODE[failure.code] ?? 1;
  }
}

const invokedAsScript = process.argv[1] && /(producer(\.js)?|cli\.js)$/.test(process.argv[1]);
if (invokedAsScript) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
