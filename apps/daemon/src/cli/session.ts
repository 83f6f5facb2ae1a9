import fs from "node:fs";
import { parseArgs } from "node:util";
import type { Command } from "./command.js";
import { configModule } from "./lazy-config.js";
import { json, print } from "./output.js";
import { UsageError } from "./usage-error.js";

/** How long a saved login lasts, as a user reads it after `session init` or `import`. */
function loginEnd(summary: {
  expiresAt: string | undefined;
  refreshable: boolean;
  accessTokenExpiresAt: string | undefined;
}): string {
  if (summary.refreshable)
    return `; access token until ${summary.accessTokenExpiresAt ?? "(unknown)"}, renewed by its refresh token`;
  return summary.expiresAt ? `; signed in until ${summary.expiresAt}` : "";
}

export const sessionCommand: Command = {
  name: "session",
  help: `producer session init|import|check — the login state

  producer session init [--timeout-secs N]   sign in by hand in a browser window; saves the state (mode 0600)
  producer session import <file|-> [--account NAME]
                                             take a Playwright storage state or a browser cookie export
  producer session check [--json]            is the saved login usable, when does it end, and the credits`,
  subcommandHelp: {
    init: `producer session init [--timeout-secs N] — opens the site's sign-in page in a browser window; sign in
by hand; the login state is saved (mode 0600) once the studio shows. Needs a display.`,
    import: `producer session import <file|-> — saves a Playwright storage state, or a cookie export from a browser
extension (Cookie-Editor, EditThisCookie: a JSON list), as the login state. Works for www.flowmusic.app and
www.producer.ai cookies; a running daemon picks it up at once.

Copy a login that stays the daemon's own: sign in in a private (incognito) window, export its cookies, then
close that window WITHOUT signing out. The login's refresh token rotates on every refresh, and whichever side
refreshes second revokes the session for both: a browser left signed in (or a second daemon given the same
cookies) ends it for the daemon with SESSION_REVOKED. Signing out ends it too, on the site.`,
    check: `producer session check [--json] — opens the site once; says whether the login works, when it ends
(the auth cookie's expires_at), and the credit balance. Exit 4 when it does not work.`,
  },
  async run(args) {
    const [action, ...rest] = args;
    const { config } = (await configModule()).loadConfig();
    // Playwright loads only in the commands that drive a browser, so the rest start fast.
    const { checkLoginState, formatDuration, importLoginState, initLoginState } = await import("@producer/session");
    const { createDaemonLogger } = await import("../logger.js");
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
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { account: { type: "string" } },
      });
      const source = positionals[0];
      if (!source) throw new UsageError("producer session import needs a file (or - for standard input).");
      const text = source === "-" ? fs.readFileSync(0, "utf8") : source;
      const account = values.account ? config.accounts.find((one) => one.name === values.account) : undefined;
      if (values.account && !account) {
        throw new UsageError(
          `There is no account ${values.account}; the accounts are ${config.accounts.map((one) => one.name).join(", ")}.`,
        );
      }
      const summary = importLoginState({ config, source: text, ...(account ? { stateFile: account.stateFile } : {}) });
      print(
        `saved ${summary.cookies} cookies to ${summary.stateFile} (mode 0600)${summary.authCookie ? `; auth cookie ${summary.authCookie}${loginEnd(summary)}` : "; no auth cookie found"}`,
      );
      const { readLoginState } = await import("@producer/session");
      const { fleetImportWarnings } = await import("./fleet-import-check.js");
      const state = readLoginState(summary.stateFile);
      const target = account?.name ?? (config.accounts[0]?.name as string);
      for (const warning of state ? await fleetImportWarnings(config, target, state) : []) print(`! ${warning}`);
      return 0;
    }
    if (action === "check") {
      const { values } = parseArgs({ args: rest, options: { json: { type: "boolean" } } });
      if (config.database.dialect === "postgres") {
        // In a fleet another daemon may own the login: opening the site here with a copy would refresh it beside
        // its owner and sign both out.
        const { fleetFindings } = await import("./fleet-doctor.js");
        const elsewhere = (await fleetFindings(config)).find((finding) => finding.ownedElsewhere);
        if (elsewhere) {
          print(
            `- not checked here: account ${elsewhere.account} is ${elsewhere.owner}; ask that daemon (producer accounts).`,
          );
          return 0;
        }
      }
      const status = await checkLoginState({ config });
      if (values.json) json(status);
      else {
        print(`${status.valid ? "✓ valid" : "✗ needs re-auth"}: ${status.reason}`);
        if (status.expiresAt)
          print(
            `  login ends ${status.expiresAt}${status.expiresInSecs ? ` (in ${formatDuration(status.expiresInSecs)})` : ""}`,
          );
        if (status.refreshable) {
          print(
            `  access token ends ${status.accessTokenExpiresAt ?? "(unknown)"}; the page renews it with the saved refresh token, which keeps the login alive`,
          );
        }
        if (status.credits !== undefined) print(`  credits: ${status.credits}`);
        if (status.warning) print(`  ! ${status.warning}`);
      }
      return status.valid ? 0 : 4;
    }
    throw new UsageError("producer session init | import <file> | check");
  },
};
