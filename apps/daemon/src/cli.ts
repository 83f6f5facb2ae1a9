import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import {
  ConfigError,
  ensureDataDirs,
  findBrowserExecutable,
  formatConfig,
  describeConfig,
  effectiveProfile,
  loadConfig,
  profileEntries,
  type ResolvedConfig,
} from "@producer/config";
import { ProducerClient } from "@producer/core/client";
import { describeJob, describeTrack, jobDetails } from "./cli/describe.js";
import { commandAccounts } from "./cli/accounts.js";
import { commandGenerate } from "./cli/generate.js";
import { commandMcp } from "./cli/mcp.js";
import { COMMAND_HELP, HELP } from "./cli/help.js";
import { json, print } from "./cli/output.js";
import { ProducerError, toProducerError, type ProducerErrorCode } from "@producer/utils/errors";

// Playwright, the job store, storage and the daemon load only in the commands that use them, so a command that
// only talks to the daemon (or prints help) starts fast.
const session = () => import("@producer/session");
const logging = () => import("./logger.js");

/** This package's version, from its package.json (one folder up from dist/). */
function packageVersion(): string {
  const manifest = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "package.json");
  return (JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version;
}

// The AWS SDK warns that its 2027 releases will need Node 22; the versions pinned here run on Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** Every error code's exit status: a new code that is not given one here fails the typecheck. */
const EXIT_BY_CODE: Record<ProducerErrorCode, number> = {
  INVALID_INPUT: 2,
  INVALID_CONFIG: 2,
  UNAVAILABLE: 3,
  SESSION_EXPIRED: 4,
  CHALLENGE: 4,
  QUOTA_EXHAUSTED: 4,
  LOGIN_FAILED: 4,
  TIMEOUT: 5,
  SITE_CHANGED: 6,
  CONFLICT: 7,
  BROWSER_NOT_FOUND: 1,
  DISABLED: 1,
  UNAUTHORIZED: 1,
  FORBIDDEN: 1,
  RATE_LIMITED: 1,
  ACCOUNT_WALLED: 1,
  NO_ACCOUNT: 1,
  GENERATION_FAILED: 1,
  GENERATION_MAY_EXIST: 1,
  DUPLICATE_AUDIO: 1,
  DOWNLOAD_FAILED: 1,
  AUDIO_INVALID: 1,
  BROWSER_CRASHED: 1,
  STORAGE_FAILED: 1,
  NOT_FOUND: 1,
  QUEUE_FULL: 1,
  CANCELLED: 1,
  INTERNAL: 1,
};

class UsageError extends Error {}

function client(resolved: ResolvedConfig): ProducerClient {
  const { daemon } = resolved.config;
  return new ProducerClient({ socketPath: daemon.socketPath, ...(daemon.token ? { token: daemon.token } : {}) });
}

/** How long a saved login lasts, as a user reads it after `session init` or `import`. */
function loginEnd(summary: { expiresAt: string | undefined; refreshable: boolean; accessTokenExpiresAt: string | undefined }): string {
  if (summary.refreshable) return `; access token until ${summary.accessTokenExpiresAt ?? "(unknown)"}, renewed by its refresh token`;
  return summary.expiresAt ? `; signed in until ${summary.expiresAt}` : "";
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
    options: {
      project: { type: "string" },
      user: { type: "string" },
      job: { type: "string" },
      account: { type: "string" },
      limit: { type: "string" },
      json: { type: "boolean" },
    },
  });
  const page = await client(loadConfig()).listTracks({
    ...(values.project ? { projectId: values.project } : {}),
    ...(values.user ? { userId: values.user } : {}),
    ...(values.job ? { jobId: values.job } : {}),
    ...(values.account ? { account: values.account } : {}),
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
  const { checkLoginState, formatDuration, importLoginState, initLoginState } = await session();
  const { createDaemonLogger } = await logging();
  if (action === "init") {
    const { values } = parseArgs({ args: rest, options: { "timeout-secs": { type: "string" } } });
    print("A browser window opens on the ProducerAI sign-in page. Sign in; the window closes by itself.");
    const summary = await initLoginState({
      config,
      timeoutMs: Number(values["timeout-secs"] ?? 600) * 1000,
      logger: createDaemonLogger(config.log.level),
    });
    print(`saved ${summary.cookies} cookies to ${summary.stateFile} (mode 0600)${loginEnd(summary)}`);
    return 0;
  }
  if (action === "import") {
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { account: { type: "string" } } });
    const source = positionals[0];
    if (!source) throw new UsageError("producer session import needs a file (or - for standard input).");
    const text = source === "-" ? fs.readFileSync(0, "utf8") : source;
    const account = values.account ? config.accounts.find((one) => one.name === values.account) : undefined;
    if (values.account && !account) {
      throw new UsageError(`There is no account ${values.account}; the accounts are ${config.accounts.map((one) => one.name).join(", ")}.`);
    }
    const summary = importLoginState({ config, source: text, ...(account ? { stateFile: account.stateFile } : {}) });
    print(`saved ${summary.cookies} cookies to ${summary.stateFile} (mode 0600)${summary.authCookie ? `; auth cookie ${summary.authCookie}${loginEnd(summary)}` : "; no auth cookie found"}`);
    return 0;
  }
  if (action === "check") {
    const { values } = parseArgs({ args: rest, options: { json: { type: "boolean" } } });
    const status = await checkLoginState({ config });
    if (values.json) json(status);
    else {
      print(`${status.valid ? "✓ valid" : "✗ needs re-auth"}: ${status.reason}`);
      if (status.expiresAt) print(`  login ends ${status.expiresAt}${status.expiresInSecs ? ` (in ${formatDuration(status.expiresInSecs)})` : ""}`);
      if (status.refreshable) {
        print(`  access token ends ${status.accessTokenExpiresAt ?? "(unknown)"}; the page renews it with the saved refresh token, which keeps the login alive`);
      }
      if (status.credits !== undefined) print(`  credits: ${status.credits}`);
      if (status.warning) print(`  ! ${status.warning}`);
    }
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
  const { checkLoginState, formatDuration } = await session();
  const { migrateToLatest, openDatabase } = await import("@producer/core");
  const { createStorage } = await import("@producer/utils");
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
    const ends = status.expiresAt
      ? `; login ends ${status.expiresAt}${status.expiresInSecs ? ` (in ${formatDuration(status.expiresInSecs)})` : ""}`
      : status.refreshable
        ? "; kept alive by its refresh token"
        : "";
    if (status.warning) throw new Error(status.warning);
    return `${daemonUp ? "checked by the running daemon" : "checked"}${ends}`;
  }, "run `producer session init` (or `producer session import` on a server)");
  if (config.accounts.length > 1) {
    const { describeAccount } = await import("./cli/accounts.js");
    const reports = daemonUp ? await api.listAccounts().catch(() => undefined) : undefined;
    for (const account of config.accounts) {
      await check(`account ${account.name}`, async () => {
        const seen = reports?.find((one) => one.name === account.name);
        if (seen) {
          if (seen.wall) throw new Error(`walled (${seen.wall.code}) until ${seen.wall.until}: ${seen.wall.reason}`);
          return describeAccount(seen);
        }
        const status = await checkLoginState({ config, account });
        if (!status.valid) throw new Error(status.reason);
        return `signed in${status.credits !== undefined ? `; ${status.credits} credits` : ""}${status.expiresAt ? `; login ends ${status.expiresAt}` : ""}`;
      }, `producer session import <file> --account ${account.name}`);
    }
  }
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

async function commandSite(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action !== "check" && action !== "profile") throw new UsageError("producer site check [--json] | producer site profile [--json]");
  const { values } = parseArgs({ args: rest, options: { json: { type: "boolean" } } });
  if (action === "profile") {
    const resolved = loadConfig();
    // The JSON is a profile file: edit it, then point site.profile at it.
    if (values.json) json(effectiveProfile(resolved.config.site));
    else {
      const entries = profileEntries(resolved);
      const width = Math.max(...entries.map((entry) => entry.key.length));
      print(`profile ${resolved.config.site.profile} (${resolved.config.site.flow}); save --json as a file and set site.profile to it to edit`);
      for (const entry of entries) print(`  ${entry.key.padEnd(width)}  ${JSON.stringify(entry.value)}  (${entry.source})`);
    }
    return 0;
  }
  const { config } = loadConfig();
  const { BrowserSession } = await session();
  const { createDaemonLogger } = await logging();
  const browser = new BrowserSession({ config, logger: createDaemonLogger(config.log.level === "info" ? "warn" : config.log.level) });
  try {
    const report = await browser.checkSite();
    if (values.json) json(report);
    else {
      print(`profile ${report.profile} on ${report.baseUrl}${report.credits !== undefined ? ` — ${report.credits} credits` : ""}`);
      const width = Math.max(...report.checks.map((check) => check.locator.length));
      for (const check of report.checks) {
        const mark = check.found === true ? "found    " : check.found === false ? "NOT FOUND" : "—        ";
        print(`  ${check.locator.padEnd(width)}  ${mark}  ${check.where}${check.note ? ` (${check.note})` : ""}${check.found === false ? `  ${check.value}` : ""}`);
        for (const candidate of check.candidates ?? []) print(`  ${"".padEnd(width)}    nearest on the page: ${JSON.stringify(candidate.locator)}`);
      }
      print(report.ok ? "the site matches the profile" : "the site no longer matches the profile: override the locators marked NOT FOUND (site.locators)");
    }
    return report.ok ? 0 : 6;
  } finally {
    await browser.close();
  }
}

async function commandDaemon(): Promise<number> {
  const { config } = loadConfig();
  const { createDaemonLogger } = await logging();
  const { startDaemon } = await import("./daemon.js");
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

/** The help for `producer <command> [subcommand] --help`, or undefined when none was asked. */
function helpFor(command: string | undefined, rest: string[]): string | undefined {
  if (command === undefined || !(rest.includes("--help") || rest.includes("-h"))) return undefined;
  const sub = rest[0] && !rest[0].startsWith("-") ? `${command} ${rest[0]}` : undefined;
  return (sub && COMMAND_HELP[sub]) ?? COMMAND_HELP[command] ?? HELP;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const help = helpFor(command, rest);
  if (help) {
    print(help);
    return 0;
  }
  try {
    switch (command) {
      case "daemon":
        return await commandDaemon();
      case "generate":
        return await commandGenerate(rest, () => client(loadConfig()), (message) => new UsageError(message));
      case "site":
        return await commandSite(rest);
      case "jobs":
        return await commandJobs(rest);
      case "job": {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { json: { type: "boolean" }, resubmit: { type: "boolean" } },
        });
        if (positionals[0] === "retry") {
          if (!positionals[1]) throw new UsageError("producer job retry <id> [--resubmit]");
          const job = await client(loadConfig()).retry(positionals[1], { resubmit: values.resubmit === true });
          if (values.json) json(job);
          else {
            print(describeJob(job));
            print(job.submission ? "  fetching the songs of its submission: nothing is submitted again" : "  submitted again: this spends credits");
          }
          return 0;
        }
        if (!positionals[0]) throw new UsageError("producer job <id> | producer job retry <id> [--resubmit]");
        const job = await client(loadConfig()).getJob(positionals[0]);
        if (values.json) json(job);
        else {
          print(describeJob(job));
          for (const line of jobDetails(job)) print(line);
          for (const track of job.tracks) print(`  ${describeTrack(track)}`);
        }
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
      case "mcp": {
        const resolved = loadConfig();
        return await commandMcp(resolved, client(resolved), packageVersion());
      }
      case "accounts":
        return await commandAccounts(rest, () => client(loadConfig()), (message) => new UsageError(message));
      case "config": {
        const resolved = loadConfig();
        if (rest.includes("--json")) json(describeConfig(resolved));
        else print(formatConfig(resolved));
        return 0;
      }
      case "doctor":
        return await commandDoctor();
      case "open": {
        // Over the socket, which only this user can open: a one-time link that signs the status page in.
        const { url, expiresAt } = await client(loadConfig()).signInLink();
        print(`${url}\n(open it within ${Math.round((Date.parse(expiresAt) - Date.now()) / 1000)} s; it works once)`);
        return 0;
      }
      case "--version":
        print(packageVersion());
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
    // A code from a newer daemon than this CLI is a plain failure.
    return EXIT_BY_CODE[failure.code as ProducerErrorCode] ?? 1;
  }
}

const invokedAsScript = process.argv[1] && /(producer(\.js)?|cli\.js)$/.test(process.argv[1]);
if (invokedAsScript) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
