import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { loadConfig } from "@producer/config";
import { BrowserSession } from "@producer/session";
import { profileFor, type RunningSimulator, type SiteVariantName } from "@producer/simulator";
import { createTeardown, producerEnvironment } from "@producer/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import { COMMAND_HELP } from "../src/cli/help.js";
import { startDaemonProcess } from "./process-harness.js";
import { createSiteStack } from "./stack.js";
import { stopProcess } from "./stop-process.js";

const run = promisify(execFile);
const bin = path.join(import.meta.dirname, "..", "bin", "producer.js");
let site: RunningSimulator | undefined;
let dataDir: string | undefined;

const teardown = createTeardown();
afterEach(async () => {
  await teardown.run();
  site = dataDir = undefined;
});

function environment(variant: SiteVariantName = "flow-2026"): NodeJS.ProcessEnv {
  const { profile, locators } = profileFor(variant);
  return producerEnvironment(
    { dataDir: dataDir as string, siteUrl: site?.url },
    {
      PRODUCER_SITE_PROFILE: profile,
      ...(locators ? { PRODUCER_SITE_LOCATORS: JSON.stringify(locators) } : {}),
      PRODUCER_SITE_TIMEOUTS_ELEMENT_MS: "3000",
      PRODUCER_QUEUE_PAUSE_RECHECK_MS: "500",
      PRODUCER_QUEUE_PAUSE_RECHECK_MAX_MS: "2000",
      PRODUCER_BROWSER_PAGE_COUNT: "1",
    },
  );
}

/** The `variant` site and a data dir signed in to it, for the CLI to drive. */
async function setUp(variant: SiteVariantName): Promise<void> {
  const stack = await createSiteStack({ name: "cli", storage: "local", simulator: { variant } });
  teardown.add(stack.close);
  ({ site, dataDir } = stack);
}

type Exit = { code: number; stdout: string; stderr: string };
const exitOf = (caught: unknown): Exit => caught as Exit;

describe("producer --help", () => {
  it("answers --help on every command and subcommand with exit 0 and that command's text", async () => {
    const commands = [[], ...Object.keys(COMMAND_HELP).map((name) => name.split(" "))];
    for (const words of commands) {
      const { stdout, stderr } = await run(process.execPath, [bin, ...words, "--help"]);
      expect(stderr).toBe("");
      expect(stdout.length, words.join(" ")).toBeGreaterThan(40);
      if (words.length > 0) expect(stdout).toContain(`producer ${words.join(" ")}`);
    }
    const failed: Exit = await run(process.execPath, [bin, "generate", "--bogus"]).then(
      (out) => ({ code: 0, ...out }),
      exitOf,
    );
    expect(failed).toMatchObject({ code: 2 });
    expect(failed.stderr).toMatch(/^producer: .*bogus/);
    expect(failed.stderr).not.toMatch(/\n\s+at /);
  });
});

const importLog = path.join(import.meta.dirname, "fixtures", "log-imports.mjs");

/** The modules `producer <args>` asked for, and how it ended. */
async function importsOf(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ imports: string[]; exit: Exit }> {
  const log = path.join(teardown.tempDir("producer-cli-imports-"), "imports.log");
  const exit: Exit = await run(process.execPath, ["--import", importLog, bin, ...args], {
    env: { ...process.env, ...env, PRODUCER_TEST_IMPORT_LOG: log },
  }).then((out) => ({ code: 0, ...out }), exitOf);
  return { imports: fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n") : [], exit };
}

describe("what a command loads", () => {
  it("answers --help and bad usage without loading the configuration, the store or a browser", async () => {
    for (const args of [["--help"], ["jobs", "--help"], ["generate", "--bogus"]]) {
      const { imports, exit } = await importsOf(args);
      expect(imports, args.join(" ")).toContain("@producer/utils/errors");
      for (const heavy of ["@producer/config", "@producer/session", "@producer/core", "zod", "playwright"])
        expect(imports, `${args.join(" ")} loaded ${heavy}`).not.toContain(heavy);
      expect(exit.code, args.join(" ")).toBe(args[1] === "--bogus" ? 2 : 0);
    }
  });

  it("loads the configuration when a command needs it, and a bad setting is exit 2 naming it, no stack", async () => {
    dataDir = teardown.tempDir("producer-cli-");
    const { imports, exit } = await importsOf(["jobs"], { ...environment(), PRODUCER_QUEUE_LEASE_MS: "banana" });
    expect(imports).toContain("@producer/config");
    expect(exit.code).toBe(2);
    expect(exit.stderr).toMatch(/^producer: /);
    expect(exit.stderr).toContain("PRODUCER_QUEUE_LEASE_MS");
    expect(exit.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("producer site profile", () => {
  it("prints the effective profile as a profile file, and each value's source", async () => {
    dataDir = teardown.tempDir("producer-cli-");
    const env = {
      ...environment(),
      PRODUCER_SITE_BASE_URL: "http://127.0.0.1:4173",
      PRODUCER_SITE_LOCATORS: JSON.stringify({ libraryRow: "li.song" }),
    };
    const { stdout } = await run(process.execPath, [bin, "site", "profile", "--json"], { env, timeout: 30_000 });
    const file = path.join(dataDir, "p.json");
    fs.writeFileSync(file, stdout);
    const { siteProfileSchema } = await import("@producer/config");
    expect(siteProfileSchema.safeParse(JSON.parse(stdout)).success).toBe(true);
    const fromFile = loadConfig({ env: { PRODUCER_SITE_PROFILE: file }, configFile: false }).config.site;
    expect(fromFile.locators.libraryRow).toBe("li.song");
    expect(fromFile.baseUrl).toBe("http://127.0.0.1:4173");
    const text = (await run(process.execPath, [bin, "site", "profile"], { env, timeout: 30_000 })).stdout;
    expect(text).toMatch(/locators\.libraryRow\s+"li\.song"\s+\(env PRODUCER_SITE_LOCATORS\)/);
    expect(text).toMatch(/locators\.generateButton\s+.*\(built-in flow-2026\)/);
  }, 60_000);
});

describe("producer site profile, round trip", () => {
  it("writes a profile file that drives the site exactly as the built-in profile does", async () => {
    await setUp("flow-2026");
    const { stdout } = await run(process.execPath, [bin, "site", "profile", "--json"], {
      env: environment(),
      timeout: 30_000,
    });
    const file = path.join(dataDir as string, "p.json");
    fs.writeFileSync(file, stdout);
    const builtIn = loadConfig({ env: environment(), configFile: false }).config;
    const fromFile = loadConfig({ env: { ...environment(), PRODUCER_SITE_PROFILE: file }, configFile: false }).config;
    // Everything the driver reads is the same; only the record of where each value came from differs.
    const {
      overridden: _a,
      profileSource: shipped,
      ...builtInSite
    } = builtIn.site as typeof builtIn.site & { overridden?: unknown };
    const {
      overridden: _b,
      profileSource: written,
      ...fileSite
    } = fromFile.site as typeof fromFile.site & { overridden?: unknown };
    expect([shipped, written]).toEqual(["shipped", file]);
    expect(fileSite).toEqual(builtInSite);
    // And the site takes a generation through it: two songs, one submission.
    const session = new BrowserSession({ config: fromFile });
    try {
      const songs = await session.generate({ prompt: "through the written profile", format: "wav" });
      expect(songs).toHaveLength(2);
      for (const song of songs) expect(fs.existsSync(song.filePath)).toBe(true);
    } finally {
      await session.close();
    }
    expect(site?.stats.generations).toBe(1);
  }, 90_000);
});

describe("producer site check", () => {
  for (const variant of ["flow-2026", "producerai-2025", "renamed"] as const) {
    it(`finds every locator of its profile on the ${variant} site, spending nothing`, async () => {
      await setUp(variant);
      if (variant === "flow-2026") {
        // A song in the library, so the row menu and the Download submenu can be checked.
        const { config } = loadConfig({ env: environment(variant), configFile: false });
        const session = new BrowserSession({ config });
        await session.generate({ prompt: "for the library", format: "wav" });
        await session.close();
        site?.resetStats();
        // A promo dialog on every page load, hiding the app from role locators until it is closed.
        site?.faults.set("promo-dialog");
      }
      const { stdout } = await run(process.execPath, [bin, "site", "check", "--json"], {
        env: environment(variant),
        timeout: 60_000,
      });
      const report = JSON.parse(stdout) as {
        ok: boolean;
        credits?: number;
        checks: Array<{ locator: string; found: boolean | null }>;
        drift: unknown[];
      };
      expect(report.checks.filter((check) => check.found === false)).toEqual([]);
      expect(report.ok).toBe(true);
      // The site's answers are shaped as the facts say: nothing drifted (the 2025 profile declares no shapes).
      expect(report.drift).toEqual([]);
      if (variant === "flow-2026") {
        expect(report.credits).toBe(490);
        const found = report.checks.filter((check) => check.found).map((check) => check.locator);
        expect(found).toEqual(
          expect.arrayContaining([
            "generateButton",
            "bpmInput",
            "modelOption",
            "titleInput",
            "moreOptions",
            "menuDownload",
            "formatWav",
            "splitStems",
          ]),
        );
      } else {
        expect(report.checks.find((check) => check.locator === "promptInput")?.found).toBe(true);
      }
      expect(site?.stats.generations).toBe(0);
      site?.faults.clear();
    }, 90_000);
  }

  it("lists the answers' drift, failing only when a field the driver needs is missing", async () => {
    await setUp("flow-2026");
    const { config } = loadConfig({ env: environment(), configFile: false });
    const session = new BrowserSession({ config });
    await session.generate({ prompt: "for the library", format: "wav" });
    await session.close();
    // The library listing's clips gain a field and lose one the driver does not need.
    site?.faults.set("answer-drift", { paths: ["/__api/clips/"] });
    const { stdout } = await run(process.execPath, [bin, "site", "check", "--json"], {
      env: environment(),
      timeout: 60_000,
    });
    const report = JSON.parse(stdout) as { ok: boolean; drift: unknown[] };
    expect(report.ok).toBe(true);
    expect(report.drift).toEqual([
      { endpoint: "api.recentClips", field: "clips[].video_url", kind: "missing", seen: 1, needed: false },
      { endpoint: "api.recentClips", field: "clips[].drift_field", kind: "unknown", seen: 1, needed: false },
    ]);

    // A profile whose credits answer needs a field the site does not send: the check fails and says so.
    const profile = JSON.parse(
      (await run(process.execPath, [bin, "site", "profile", "--json"], { env: environment() })).stdout,
    );
    profile.answers.api.credits["data!"]["plan_id!"] = true;
    const file = path.join(dataDir as string, "needs-more.json");
    fs.writeFileSync(file, JSON.stringify(profile));
    const failed: Exit = await run(process.execPath, [bin, "site", "check"], {
      env: { ...environment(), PRODUCER_SITE_PROFILE: file },
      timeout: 60_000,
    }).then((out) => ({ code: 0, ...out }), exitOf);
    expect(failed.code).toBe(6);
    expect(failed.stdout).toMatch(/api\.credits\s+data\.plan_id\s+NEEDED field missing/);
    expect(failed.stdout).toMatch(/api\.recentClips\s+clips\[\]\.drift_field\s+unknown field/);
    expect(site?.stats.generations).toBe(1);
  }, 120_000);

  it("exits 6 and names the locator when the profile no longer matches", async () => {
    await setUp("flow-2026");
    const env = {
      ...environment(),
      PRODUCER_SITE_LOCATORS: JSON.stringify({ advancedSwitch: { role: "switch", name: "Pro mode" } }),
    };
    const failed: Exit = await run(process.execPath, [bin, "site", "check"], { env, timeout: 60_000 }).then(
      (out) => ({ code: 0, ...out }),
      exitOf,
    );
    expect(failed.code).toBe(6);
    expect(failed.stdout).toMatch(
      /advancedSwitch\s+NOT FOUND\s+studio: compose panel\s+\{"role":"switch","name":"Pro mode"\}/,
    );
    expect(failed.stdout).toContain("no longer matches");
    // The nearest switch on the page is the right one.
    expect(failed.stdout).toContain(
      'nearest on the page: {"role":"switch","name":"Toggle advanced sound mode","exact":true}',
    );
    expect(site?.stats.generations).toBe(0);
  }, 60_000);
});

describe("producer generate --wait on a paused queue", () => {
  it("says why at once and exits 4, leaving the job queued with the way to resume", async () => {
    await setUp("flow-2026");
    site?.expireSessions();
    const { child } = await startDaemonProcess(environment());
    teardown.add(() => stopProcess(child));
    const started = Date.now();
    const failed: Exit = await run(process.execPath, [bin, "generate", "while paused", "--wait"], {
      env: environment(),
      timeout: 60_000,
    }).then((out) => ({ code: 0, ...out }), exitOf);
    expect(failed.code).toBe(4);
    expect(failed.stdout).toMatch(/waiting: the queue is paused \(SESSION_EXPIRED\)/);
    const jobId = /Job ([0-9a-f-]{36}) stays queued/.exec(failed.stderr)?.[1];
    expect(jobId).toBeDefined();
    expect(failed.stderr).toContain("producer session import");
    expect(Date.now() - started).toBeLessThan(30_000);
    const { stdout } = await run(process.execPath, [bin, "job", jobId as string], { env: environment() });
    expect(stdout).toMatch(/queued .* waiting: the queue is paused \(SESSION_EXPIRED\)/);
    expect(stdout).toMatch(/waiting since .*session/i);
    expect(site?.stats.generations).toBe(0);
    // Beside a running daemon, `jobs` and `job` find it by its endpoint file: no configuration schema is loaded.
    const endpoint = path.join(dataDir as string, "daemon-endpoint.json");
    expect(fs.statSync(endpoint).mode & 0o777).toBe(0o600);
    for (const args of [["jobs"], ["job", jobId as string]]) {
      const { imports, exit } = await importsOf(args, environment());
      expect(exit.code, args.join(" ")).toBe(0);
      expect(exit.stdout).toContain(jobId);
      for (const heavy of ["@producer/config", "zod"])
        expect(imports, `${args[0]} loaded ${heavy}`).not.toContain(heavy);
    }
    await stopProcess(child);
    expect(fs.existsSync(endpoint)).toBe(false);
  }, 90_000);
});
