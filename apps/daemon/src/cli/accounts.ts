import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { ProducerConfigInput, ResolvedConfig } from "@producer/config";
import type { AccountReport } from "@producer/utils";
import type { Command } from "./command.js";
import { daemonClient } from "./daemon-client.js";
import { configModule } from "./lazy-config.js";
import { flagOptions, valueOptions } from "./options.js";
import { json, print } from "./output.js";
import { UsageError } from "./usage-error.js";

/** One line an account: name, session, balance, wall or pause, jobs running. */
export function describeAccount(account: AccountReport): string {
  const state = account.paused
    ? "paused"
    : account.wall
      ? `walled ${account.wall.code} until ${account.wall.until}`
      : account.signedIn === false
        ? "not signed in"
        : account.signedIn
          ? "ready"
          : "not checked yet";
  const session = account.sessionExpiresAt ? `; login ends ${account.sessionExpiresAt}` : "";
  const credits = account.credits === null ? "balance unknown" : `${account.credits} credits`;
  return `${account.name.padEnd(12)} ${state}; ${credits}; ${account.running}/${account.maxConcurrency} running; ${account.generations} made${session}${ownership(account)}`;
}

/** In a fleet: which daemon owns the account ("owned here", or by which instance on which host since when). */
function ownership(account: AccountReport): string {
  if (account.owner === undefined) return "";
  if (account.owner?.self) return `; owned here since ${account.owner.since}`;
  if (account.owner)
    return `; owned by ${account.owner.instance} on ${account.owner.host} since ${account.owner.since}`;
  return `; owned by no daemon now${account.notOwnedReason ? ` (${account.notOwnedReason})` : ""}`;
}

/** The config file `accounts add` and `remove` write: the one in use, or a new one in the current folder. */
async function configFileOf(resolved: ResolvedConfig): Promise<string> {
  return resolved.configFile ?? path.resolve((await configModule()).CONFIG_FILE_NAME);
}

function readTree(file: string): Record<string, unknown> {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>) : {};
}

function writeTree(file: string, tree: Record<string, unknown>): void {
  fs.writeFileSync(file, `${JSON.stringify(tree, null, 2)}\n`, { mode: 0o600 });
}

/**
 * `producer accounts`: list (from the daemon), pause / resume / unwall (on the daemon, at once), add / remove
 * (in the config file; the daemon takes them at its next start).
 */
async function manageAccounts(args: string[]): Promise<number> {
  const [action = "list", ...rest] = args;
  if (action === "list" || action === "--json") {
    const accounts = await (await daemonClient()).listAccounts();
    if (action === "--json" || rest.includes("--json")) json({ accounts });
    else for (const account of accounts) print(describeAccount(account));
    return 0;
  }
  if (action === "pause" || action === "resume" || action === "unwall") {
    const name = rest[0];
    if (!name) throw new UsageError(`producer accounts ${action} <name>`);
    print(describeAccount(await (await daemonClient()).accountAction(name, action)));
    return 0;
  }
  if (action === "add") {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { ...valueOptions("state-file", "profile", "max-concurrency", "weight"), ...flagOptions("paused") },
    });
    const name = positionals[0];
    const { ACCOUNT_NAME, loadConfig } = await configModule();
    if (!name || !ACCOUNT_NAME.test(name))
      throw new UsageError("producer accounts add <name>: lowercase letters, digits, - and _, at most 40");
    const resolved = loadConfig();
    const file = await configFileOf(resolved);
    const tree = readTree(file);
    const accounts = (Array.isArray(tree.accounts) ? tree.accounts : []) as Array<{ name: string }>;
    if (accounts.some((account) => account.name === name))
      throw new UsageError(`There is already an account ${name} in ${file}.`);
    const account = {
      name,
      ...(values["state-file"] ? { stateFile: values["state-file"] } : {}),
      ...(values.profile ? { profile: values.profile } : {}),
      ...(values["max-concurrency"] ? { maxConcurrency: Number(values["max-concurrency"]) } : {}),
      ...(values.weight ? { weight: Number(values.weight) } : {}),
      ...(values.paused ? { paused: true } : {}),
    };
    const next = { ...tree, accounts: [...accounts, account] };
    // The result must load: a bad value is refused here, not at the daemon's next start.
    // The file's accounts, not the environment's, are what is being written.
    const env = { ...process.env };
    delete env.PRODUCER_ACCOUNTS;
    const added = loadConfig({ configFile: false, overrides: next as ProducerConfigInput, env }).config.accounts.find(
      (one) => one.name === name,
    );
    writeTree(file, next);
    print(
      `added account ${name} to ${file}; its login state goes in ${added?.stateFile} (producer session import <file> --account ${name}); restart the daemon to use it`,
    );
    return 0;
  }
  if (action === "remove") {
    const name = rest[0];
    if (!name) throw new UsageError("producer accounts remove <name>");
    const file = await configFileOf((await configModule()).loadConfig());
    const tree = readTree(file);
    const accounts = (Array.isArray(tree.accounts) ? tree.accounts : []) as Array<{ name: string }>;
    if (!accounts.some((account) => account.name === name))
      throw new UsageError(`There is no account ${name} in ${file}.`);
    writeTree(file, { ...tree, accounts: accounts.filter((account) => account.name !== name) });
    print(`removed account ${name} from ${file} (its login state file is kept); restart the daemon to stop using it`);
    return 0;
  }
  throw new UsageError("producer accounts [list] | pause|resume|unwall <name> | add <name> [options] | remove <name>");
}

export const accountsCommand: Command = {
  name: "accounts",
  help: `producer accounts — several accounts in one daemon

  producer accounts [list] [--json]          each account: signed in, balance, wall, jobs running (from the daemon)
  producer accounts pause|resume <name>      stop / start giving an account new jobs (running ones finish)
  producer accounts unwall <name>            take an account from behind its wall now
  producer accounts add <name> [--state-file F] [--profile P] [--max-concurrency N] [--weight W] [--paused]
                                             declare an account in the config file (then: producer session
                                             import <file> --account <name>, and restart the daemon)
  producer accounts remove <name>            take it out of the config file (its login state is kept)`,
  run: manageAccounts,
};
