import fs from "node:fs";
import path from "node:path";
import { makeTempDir, removeDir } from "@producer/test-utils";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configError } from "./config-error.test-helper.js";
import { loadConfig } from "./load.js";
import type { ProducerConfigInput } from "./schema.js";

let dir: string;
beforeEach(() => {
  dir = makeTempDir("producer-config-");
});
afterEach(() => removeDir(dir));

const writeFile = (name: string, content: unknown) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
};

describe("loadConfig defaults", () => {
  it("resolves every default from an empty environment", () => {
    const { config, sources } = loadConfig({ env: {}, cwd: dir, homeDir: dir, configFile: false });
    expect(config.site.profile).toBe("flow-2026");
    expect(config.site.flow).toBe("compose-2026");
    expect(config.site.baseUrl).toBe("https://www.flowmusic.app");
    expect(config.site.timeouts).toEqual({
      navigationMs: 30_000,
      elementMs: 15_000,
      replyMs: 30_000,
      generationMs: 180_000,
      downloadMs: 60_000,
      songStartMs: 90_000,
    });
    expect(config.site.downloadFormat).toBe("wav");
    expect(config.site.locators.moreOptions).toEqual({ role: "button", name: "More options for {title}", exact: true });
    expect(config.site.menus.submenuPick).toBe("keyboard");
    expect(config.paths.dataDir).toBe(path.join(dir, ".producer"));
    expect(config.paths.stateFile).toBe(path.join(dir, ".producer", "state.json"));
    expect(config.storage.driver).toBe("local");
    expect(config.storage.keyTemplates.audio).toBe("users/{user_id}/projects/music-clip/{project_id}/audio/{filename}");
    expect(config.database).toEqual({
      dialect: "sqlite",
      url: `sqlite:${path.join(dir, ".producer", "producer.db")}`,
      poolSize: 10,
      sqliteSynchronous: "normal",
    });
    expect(config.daemon.socketPath).toBe(path.join(dir, ".producer", "producer.sock"));
    expect(config.daemon.token).toBeUndefined();
    expect(config.session.password).toBeUndefined();
    expect(sources.size).toBe(0);
    expect(Object.isFrozen(config.site.timeouts)).toBe(true);
  });

  it("puts the data dir under XDG_DATA_HOME when it is set", () => {
    const { config } = loadConfig({ env: { XDG_DATA_HOME: path.join(dir, "xdg") }, homeDir: dir, configFile: false });
    expect(config.paths.dataDir).toBe(path.join(dir, "xdg", "producer"));
  });

  it("selects S3 storage when a bucket is set, and refuses s3 without a bucket", () => {
    const env = { PRODUCER_STORAGE_S3_BUCKET: "songs" };
    expect(loadConfig({ env, configFile: false, homeDir: dir }).config.storage.driver).toBe("s3");
    const error = configError(() =>
      loadConfig({ env: { PRODUCER_STORAGE_DRIVER: "s3" }, configFile: false, homeDir: dir }),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual(["storage.s3.bucket"]);
  });

  it("recognises a postgres URL", () => {
    const { config } = loadConfig({
      env: { PRODUCER_DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test" },
      configFile: false,
      homeDir: dir,
    });
    expect(config.database).toEqual({
      dialect: "postgres",
      url: "postgres://postgres@127.0.0.1:5432/test",
      poolSize: 10,
      sqliteSynchronous: "normal",
    });
  });
});

describe("precedence: defaults < file < environment < options", () => {
  it("lets each layer override the one below and records the source", () => {
    const file = writeFile("producer.config.json", {
      site: { timeouts: { navigationMs: 1000, elementMs: 1000, replyMs: 1000 } },
      browser: { pageCount: 3 },
    });
    const { config, sources, configFile } = loadConfig({
      cwd: dir,
      homeDir: dir,
      env: { PRODUCER_SITE_TIMEOUTS_ELEMENT_MS: "2000", PRODUCER_SITE_TIMEOUTS_REPLY_MS: "2000" },
      overrides: { site: { timeouts: { replyMs: 3000 } } },
    });
    expect(configFile).toBe(file);
    expect(config.site.timeouts.navigationMs).toBe(1000);
    expect(config.site.timeouts.elementMs).toBe(2000);
    expect(config.site.timeouts.replyMs).toBe(3000);
    expect(config.site.timeouts.generationMs).toBe(180_000);
    expect(config.browser.pageCount).toBe(3);
    expect(sources.get("site.timeouts.navigationMs")).toBe(`file ${file}`);
    expect(sources.get("site.timeouts.elementMs")).toBe("env PRODUCER_SITE_TIMEOUTS_ELEMENT_MS");
    expect(sources.get("site.timeouts.replyMs")).toBe("option");
    expect(sources.has("site.timeouts.generationMs")).toBe(false);
  });

  it("reads the file named by PRODUCER_CONFIG, and fails clearly when it is missing", () => {
    const file = writeFile("custom.json", { site: { baseUrl: "https://www.flowmusic.app/" } });
    const { config } = loadConfig({ env: { PRODUCER_CONFIG: file }, homeDir: dir, cwd: "/" });
    expect(config.site.baseUrl).toBe("https://www.flowmusic.app");
    const error = configError(() =>
      loadConfig({ env: { PRODUCER_CONFIG: path.join(dir, "nope.json") }, homeDir: dir }),
    );
    expect(error.message).toContain("Cannot read the config file");
    expect(error.message).toContain("ENOENT");
  });

  it("reports a config file that is not JSON without a stack or a parser dump", () => {
    const file = writeFile("producer.config.json", "{ site: ");
    const error = configError(() => loadConfig({ cwd: dir, homeDir: dir, env: {} }));
    expect(error.code).toBe("INVALID_CONFIG");
    expect(error.message).toContain(`The config file ${file} is not valid JSON`);
  });

  it("parses environment arrays, booleans and numbers", () => {
    const { config } = loadConfig({
      env: {
        PRODUCER_BROWSER_ARGS: "--no-first-run, --mute-audio",
        PRODUCER_BROWSER_HEADLESS: "false",
        PRODUCER_QUEUE_MAX_QUEUED: "7",
      },
      configFile: false,
      homeDir: dir,
    });
    expect(config.browser.args).toEqual(["--no-first-run", "--mute-audio"]);
    expect(config.browser.headless).toBe(false);
    expect(config.queue.maxQueued).toBe(7);
  });
});

describe("legacy variable names", () => {
  it("maps every earlier name, converting seconds and the inverted switch", () => {
    const { config, sources } = loadConfig({
      configFile: false,
      homeDir: dir,
      env: {
        PRODUCER_AI_EMAIL: "someone@example.com",
        PRODUCER_AI_PASSWORD: "pw-from-env",
        PRODUCER_AI_DOWNLOAD_PATH: "./downloads",
        DISABLE_PRODUCER_AI: "true",
        PRODUCER_AI_PAGE_LOAD_TIMEOUT: "30001",
        PRODUCER_AI_ELEMENT_WAIT_TIMEOUT: "15001",
        PRODUCER_AI_GENERATION_TIMEOUT: "120001",
        PRODUCER_AI_MIN_DELAY: "0.5",
        PRODUCER_AI_MAX_DELAY: "2.0",
        PRODUCER_AI_MAX_WINDOWS: "5",
        PRODUCER_AI_ANTI_BOT_DELAY_MIN: "1.0",
        PRODUCER_AI_ANTI_BOT_DELAY_MAX: "3.0",
        S3_BUCKET: "legacy-bucket",
        S3_ENDPOINT_URL: "http://127.0.0.1:9000",
        S3_ACCESS_KEY: "AKIAEXAMPLE",
        S3_SECRET_KEY: "secret-example",
        S3_REGION: "eu-west-1",
        DATABASE_URL: "postgres://db.example/producer",
      },
      cwd: dir,
    });
    expect(config.session.email).toBe("someone@example.com");
    expect(config.session.password).toBe("pw-from-env");
    expect(config.paths.downloadsDir).toBe(path.join(dir, "downloads"));
    expect(config.enabled).toBe(false);
    expect(config.site.timeouts).toMatchObject({ navigationMs: 30001, elementMs: 15001, generationMs: 120001 });
    expect(config.site.pacing).toEqual({
      actionDelayMinMs: 500,
      actionDelayMaxMs: 2000,
      submitGapMinMs: 1000,
      submitGapMaxMs: 3000,
    });
    expect(config.browser.pageCount).toBe(5);
    expect(config.storage.s3).toMatchObject({
      bucket: "legacy-bucket",
      endpoint: "http://127.0.0.1:9000",
      accessKeyId: "AKIAEXAMPLE",
      secretAccessKey: "secret-example",
      region: "eu-west-1",
    });
    expect(config.storage.driver).toBe("s3");
    expect(config.database.dialect).toBe("postgres");
    expect(sources.get("enabled")).toBe("env DISABLE_PRODUCER_AI");
  });

  it("prefers the project's own name over the legacy alias", () => {
    const { config } = loadConfig({
      configFile: false,
      homeDir: dir,
      env: { S3_BUCKET: "old-name", PRODUCER_STORAGE_S3_BUCKET: "new-name" },
    });
    expect(config.storage.s3.bucket).toBe("new-name");
  });

  it("warns once per process per legacy name, with a code", async () => {
    const warnings: Error[] = [];
    const listener = (warning: Error) => warnings.push(warning);
    process.on("warning", listener);
    try {
      for (let i = 0; i < 3; i += 1) loadConfig({ configFile: false, homeDir: dir, env: { S3_REGION: "eu-west-2" } });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", listener);
    }
    const mine = warnings.filter((warning) => warning.message.startsWith("S3_REGION"));
    expect(mine).toHaveLength(1);
    expect((mine[0] as Error & { code?: string }).code).toBe("PRODUCER_DEP_ENV");
    expect(mine[0]?.message).toContain("PRODUCER_STORAGE_S3_REGION");
  });
});

describe("errors", () => {
  const overridesError = (overrides: ProducerConfigInput) =>
    configError(() => loadConfig({ configFile: false, homeDir: dir, overrides }));

  it("lists every invalid key at once with its env var, source and value, and masks secrets", () => {
    const file = writeFile("producer.config.json", { queue: { concurency: 2 }, site: { downloadFormat: "flac" } });
    const error = configError(() =>
      loadConfig({
        cwd: dir,
        homeDir: dir,
        env: {
          PRODUCER_SITE_TIMEOUTS_NAVIGATION_MS: "soon",
          PRODUCER_BROWSER_HEADLESS: "maybe",
          PRODUCER_DAEMON_TOKEN: "tiny-secret",
          PRODUCER_BROWSER_ARGS: "--disable-web-security",
        },
        overrides: { site: { baseUrl: "ftp://example.com" } },
      }),
    );
    expect(error.code).toBe("INVALID_CONFIG");
    expect(error.retryable).toBe(false);
    const byPath = Object.fromEntries(error.issues.map((issue) => [issue.path, issue]));
    expect(Object.keys(byPath).sort()).toEqual(
      [
        "browser.args",
        "browser.headless",
        "daemon.token",
        "queue.concurency",
        "site.baseUrl",
        "site.downloadFormat",
        "site.timeouts.navigationMs",
      ].sort(),
    );
    expect(byPath["site.timeouts.navigationMs"]).toMatchObject({
      env: "PRODUCER_SITE_TIMEOUTS_NAVIGATION_MS",
      source: "env PRODUCER_SITE_TIMEOUTS_NAVIGATION_MS",
      received: '"soon"',
      expected: "a number",
    });
    expect(byPath["site.downloadFormat"]).toMatchObject({
      source: `file ${file}`,
      received: '"flac"',
      expected: 'one of "wav", "mp3", "m4a"',
    });
    expect(byPath["queue.concurency"]?.expected).toContain("no such key");
    expect(byPath["site.baseUrl"]).toMatchObject({ source: "option", expected: "an http(s) URL" });
    expect(byPath["browser.args"]?.expected).toContain("--disable-web-security");
    expect(byPath["daemon.token"]?.received).toBe('"****"');
    expect(error.message).not.toContain("tiny-secret");
    expect(error.message).toMatch(/^Invalid producer configuration \(7 problems\):\n/);
    expect(error.message).not.toMatch(/ZodError|at Object\.|"code":/);
  });

  it("refuses a secret in a config file without echoing it", () => {
    writeFile("producer.config.json", { session: { password: "committed-by-mistake" } });
    const error = configError(() => loadConfig({ cwd: dir, homeDir: dir, env: {} }));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ path: "session.password", received: '"****"' });
    expect(error.message).toContain("no secret in a config file");
    expect(error.message).not.toContain("committed-by-mistake");
  });

  it("rejects key templates that escape their prefix or use unknown placeholders", () => {
    const error = overridesError({
      storage: { keyTemplates: { audio: "../{user_id}/{filename}", generic: "x/{secret}/{filename}", tracks: "x/y" } },
    });
    expect(error.issues.map((issue) => issue.path).sort()).toEqual([
      "storage.keyTemplates.audio",
      "storage.keyTemplates.generic",
      "storage.keyTemplates.tracks",
    ]);
  });

  it("checks related values: pacing bounds and the socket path length", () => {
    const error = overridesError({
      site: { pacing: { submitGapMinMs: 5000, submitGapMaxMs: 1000 } },
      daemon: { socketPath: `/tmp/${"s".repeat(120)}.sock` },
    });
    expect(error.issues.map((issue) => issue.path)).toEqual(["site.pacing.submitGapMaxMs", "daemon.socketPath"]);
  });
});

describe("accounts", () => {
  it("without accounts, has one implicit account on paths.stateFile", () => {
    const { config } = loadConfig({
      env: {},
      cwd: dir,
      homeDir: dir,
      configFile: false,
      overrides: { browser: { pageCount: 3 } },
    });
    expect(config.accounts).toHaveLength(1);
    expect(config.accounts[0]).toMatchObject({
      name: "default",
      stateFile: config.paths.stateFile,
      maxConcurrency: 3,
      weight: 1,
      paused: false,
      declared: false,
    });
    expect(config.accounts[0]?.site).toBe(config.site);
  });

  it("resolves declared accounts from the environment: own state files, limits, weights and profiles", () => {
    const env = {
      PRODUCER_PATHS_DATA_DIR: dir,
      PRODUCER_ACCOUNTS: JSON.stringify([
        { name: "main", weight: 3 },
        { name: "spare", stateFile: "~/spare.json", maxConcurrency: 1, profile: "producerai-2025", paused: true },
      ]),
    };
    const { config } = loadConfig({ env, cwd: dir, homeDir: dir, configFile: false });
    expect(config.accounts.map((account) => account.name)).toEqual(["main", "spare"]);
    expect(config.accounts[0]).toMatchObject({
      stateFile: path.join(dir, "accounts", "main.json"),
      weight: 3,
      maxConcurrency: 2,
      declared: true,
    });
    expect(config.accounts[1]).toMatchObject({
      stateFile: path.join(dir, "spare.json"),
      maxConcurrency: 1,
      paused: true,
    });
    expect(config.accounts[0]?.site.profile).toBe("flow-2026");
    expect(config.accounts[1]?.site.profile).toBe("producerai-2025");
  });

  it("refuses a bad name, a repeated name and an unknown profile, naming each", () => {
    const error = configError(() =>
      loadConfig({
        env: {},
        cwd: dir,
        homeDir: dir,
        configFile: false,
        overrides: { accounts: [{ name: "Main Account" }] },
      }),
    );
    expect(error.issues[0]?.path).toBe("accounts.0.name");
    const twice = configError(() =>
      loadConfig({
        env: {},
        cwd: dir,
        homeDir: dir,
        configFile: false,
        overrides: { accounts: [{ name: "a" }, { name: "a" }] },
      }),
    );
    expect(twice.message).toContain("account names must be unique");
    const profile = configError(() =>
      loadConfig({
        env: {},
        cwd: dir,
        homeDir: dir,
        configFile: false,
        overrides: { accounts: [{ name: "a", profile: "no-such-profile" }] },
      }),
    );
    expect(profile.issues[0]?.path).toBe("accounts.0.profile");
  });
});
