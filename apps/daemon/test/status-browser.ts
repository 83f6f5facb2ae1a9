import { chromium, type Browser } from "playwright";
import { findBrowserExecutable, loadConfig } from "@producer/config";

/** Debian's Chromium, as the daemon's configuration finds it, for a test to open the status page in. */
export function launchPageBrowser(env: NodeJS.ProcessEnv): Promise<Browser> {
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  return chromium.launch({
    executablePath: findBrowserExecutable(loadConfig({ env, configFile: false }).config),
    args: [
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-dev-shm-usage",
      "--autoplay-policy=no-user-gesture-required",
      ...(root ? ["--no-sandbox"] : []),
    ],
  });
}
