import { parseArgs } from "node:util";
import type { Command } from "./command.js";
import { configModule } from "./lazy-config.js";
import { json, print } from "./output.js";
import { UsageError } from "./usage-error.js";

/** `producer site profile`: the JSON is a profile file; edit it, then point site.profile at it. */
async function printProfile(asJson: boolean | undefined): Promise<number> {
  const { effectiveProfile, loadConfig, profileEntries } = await configModule();
  const resolved = loadConfig();
  if (asJson) json(effectiveProfile(resolved.config.site));
  else {
    const entries = profileEntries(resolved);
    const width = Math.max(...entries.map((entry) => entry.key.length));
    print(
      `profile ${resolved.config.site.profile} (${resolved.config.site.flow}); save --json as a file and set site.profile to it to edit`,
    );
    for (const entry of entries)
      print(`  ${entry.key.padEnd(width)}  ${JSON.stringify(entry.value)}  (${entry.source})`);
  }
  return 0;
}

/** `producer site check`: every locator of the profile looked for on the site, which is opened but spent nothing on. */
async function checkSite(asJson: boolean | undefined): Promise<number> {
  const { config } = (await configModule()).loadConfig();
  const { BrowserSession } = await import("@producer/session");
  const { createDaemonLogger } = await import("../logger.js");
  const browser = new BrowserSession({
    config,
    logger: createDaemonLogger(config.log.level === "info" ? "warn" : config.log.level),
  });
  try {
    const report = await browser.checkSite();
    if (asJson) json(report);
    else {
      print(
        `profile ${report.profile} on ${report.baseUrl}${report.credits !== undefined ? ` — ${report.credits} credits` : ""}`,
      );
      const width = Math.max(...report.checks.map((check) => check.locator.length));
      for (const check of report.checks) {
        const mark = check.found === true ? "found    " : check.found === false ? "NOT FOUND" : "—        ";
        print(
          `  ${check.locator.padEnd(width)}  ${mark}  ${check.where}${check.note ? ` (${check.note})` : ""}${check.found === false ? `  ${check.value}` : ""}`,
        );
        for (const candidate of check.candidates ?? [])
          print(`  ${"".padEnd(width)}    nearest on the page: ${JSON.stringify(candidate.locator)}`);
      }
      printDrift(report.drift);
      print(
        report.ok
          ? "the site matches the profile"
          : "the site no longer matches the profile: override the locators marked NOT FOUND (site.locators), or the answers' shapes marked NEEDED (site.profile)",
      );
    }
    return report.ok ? 0 : 6;
  } finally {
    await browser.close();
  }
}

/** The answers' fields that differed from the profile's shapes, one line each. */
function printDrift(drift: Array<{ endpoint: string; field: string; kind: string; seen: number; needed: boolean }>) {
  if (drift.length === 0) {
    print("answers: every field as the profile's shapes say");
    return;
  }
  print("answers that differ from the profile's shapes:");
  for (const entry of drift) {
    const what = entry.kind === "unknown" ? "unknown field" : entry.needed ? "NEEDED field missing" : "field missing";
    print(`  ${entry.endpoint}  ${entry.field}  ${what} (in ${entry.seen} answer${entry.seen === 1 ? "" : "s"})`);
  }
}

export const siteCommand: Command = {
  name: "site",
  help: `producer site check [--json] — opens the site with the active profile and checks that every locator it
needs is found where it lives (studio, model menu, library row menu, Download submenu). Reads the credit
balance; submits nothing. Every answer the page reads meanwhile is checked against the profile's shapes
(answers): a field the profile does not know, or one it expects that is missing, is listed (--json: drift, each
{ endpoint, field, kind: "unknown" | "missing", seen, needed }) as a warning of a site change. Exit 6 when any
locator is not found, or when an answer lacks a field the driver needs (a field marked name! in the shapes);
other drift leaves the exit code 0.`,
  subcommandHelp: {
    check: `producer site check [--json] — see producer site --help.`,
    profile: `producer site profile [--json] — the effective site profile (the named profile with every override of the
configuration), each value with where it came from (built-in, profile file, config file, env, option). --json prints a
valid profile file: save it, edit a drifted locator, and set site.profile to its path.`,
  },
  async run(args) {
    const [action, ...rest] = args;
    if (action !== "check" && action !== "profile")
      throw new UsageError("producer site check [--json] | producer site profile [--json]");
    const { values } = parseArgs({ args: rest, options: { json: { type: "boolean" } } });
    return action === "profile" ? printProfile(values.json) : checkSite(values.json);
  },
};
