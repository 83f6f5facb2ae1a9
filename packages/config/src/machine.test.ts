import fs from "node:fs";
import path from "node:path";
import { makeTempDir, removeDir } from "@producer/test-utils";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "./config-error.js";
import { loadConfig } from "./load.js";
import { ensureDataDirs, findBrowserExecutable } from "./machine.js";

let dir: string;
beforeEach(() => {
  dir = makeTempDir("producer-machine-");
});
afterEach(() => removeDir(dir));

describe("findBrowserExecutable", () => {
  it("uses the configured executable", () => {
    const fake = path.join(dir, "my-chromium");
    fs.writeFileSync(fake, "#!/bin/sh\n", { mode: 0o755 });
    expect(findBrowserExecutable({ browser: { executablePath: fake } } as never)).toBe(fake);
  });

  it("names the Debian package when a configured path is missing", () => {
    try {
      findBrowserExecutable({ browser: { executablePath: path.join(dir, "absent") } } as never);
      expect.unreachable();
    } catch (error) {
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).code).toBe("BROWSER_NOT_FOUND");
      expect((error as Error).message).toContain("apt-get install chromium");
    }
  });

  it("searches PATH for the known names", () => {
    if (fs.existsSync("/usr/bin/chromium")) {
      expect(findBrowserExecutable({ browser: {} } as never, "")).toBe("/usr/bin/chromium");
    } else {
      const fake = path.join(dir, "chromium-browser");
      fs.writeFileSync(fake, "#!/bin/sh\n", { mode: 0o755 });
      expect(findBrowserExecutable({ browser: {} } as never, dir)).toBe(fake);
    }
  });
});

describe("ensureDataDirs", () => {
  it("creates the data dir and its folders with mode 0700, tightening an open one", () => {
    const dataDir = path.join(dir, "data");
    fs.mkdirSync(dataDir, { mode: 0o755 });
    fs.chmodSync(dataDir, 0o755);
    const { config } = loadConfig({ env: {}, configFile: false, overrides: { paths: { dataDir } } });
    ensureDataDirs(config);
    for (const folder of [dataDir, config.paths.downloadsDir, config.paths.artifactsDir]) {
      expect(fs.statSync(folder).mode & 0o777, folder).toBe(0o700);
    }
  });
});
