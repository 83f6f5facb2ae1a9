import fs from "node:fs";
import path from "node:path";
import { ConfigError } from "./config-error.js";
import type { ProducerConfig } from "./schema.js";

const BROWSER_CANDIDATES = [
  "/usr/bin/chromium",
  "chromium",
  "chromium-browser",
  "google-chrome",
  "google-chrome-stable",
];

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The Chromium to launch: the configured path, else the first of /usr/bin/chromium, chromium-browser and
 * google-chrome found. producer never downloads a browser.
 */
export function findBrowserExecutable(
  config: Pick<ProducerConfig, "browser">,
  searchPath: string = process.env.PATH ?? "",
): string {
  const configured = config.browser.executablePath;
  if (configured) {
    if (isExecutable(configured)) return configured;
    throw new ConfigError(
      `browser.executablePath is ${JSON.stringify(configured)}, which is not an executable file. ` +
        "Install Chromium (Debian: apt-get install chromium) or point PRODUCER_BROWSER_EXECUTABLE_PATH at it.",
      { code: "BROWSER_NOT_FOUND" },
    );
  }
  for (const candidate of BROWSER_CANDIDATES) {
    const found = candidate.includes("/")
      ? isExecutable(candidate)
        ? candidate
        : undefined
      : onPath(candidate, searchPath);
    if (found) return found;
  }
  throw new ConfigError(
    "No Chromium found (looked for /usr/bin/chromium, chromium-browser, google-chrome). " +
      "Install Debian's package with `apt-get install chromium`, or set PRODUCER_BROWSER_EXECUTABLE_PATH.",
    { code: "BROWSER_NOT_FOUND" },
  );
}

/** Creates the data dir and its folders with mode 0700, tightening a data dir that already exists. */
export function ensureDataDirs(config: Pick<ProducerConfig, "paths">): void {
  const { dataDir, downloadsDir, artifactsDir, stateFile } = config.paths;
  for (const dir of [dataDir, downloadsDir, artifactsDir, path.dirname(stateFile)]) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  fs.chmodSync(dataDir, 0o700);
}
