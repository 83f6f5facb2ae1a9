import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig, type ProducerConfig, type ProducerConfigInput } from "@producer/config";
import { siteSettingsFor, start, type RunningSimulator, type SimulatorOptions } from "@producer/simulator";
import { BrowserSession } from "../src/index.js";
import { writeLoginState } from "../src/login-state.js";

export interface Harness {
  site: RunningSimulator;
  config: ProducerConfig;
  session: BrowserSession;
  dataDir: string;
  close(): Promise<void>;
}

/** The simulator's test timeouts: short enough that a fault which waited for one would show. */
export const TEST_TIMEOUTS = siteSettingsFor({ url: "" }).timeouts;

export function testConfig(site: RunningSimulator, dataDir: string, overrides: ProducerConfigInput = {}): ProducerConfig {
  return loadConfig({
    env: {},
    configFile: false,
    overrides: {
      ...overrides,
      site: { ...siteSettingsFor(site), ...overrides.site },
      browser: { pageCount: 1, ...overrides.browser },
      paths: { dataDir, ...overrides.paths },
    },
  }).config;
}

/** A simulator, a data dir with a signed-in login state, and a BrowserSession on them. */
export async function createHarness(
  options: { simulator?: SimulatorOptions; config?: ProducerConfigInput; signedIn?: boolean } = {},
): Promise<Harness> {
  const site = await start({ generationMs: 0, replyDelayMs: 0, statusPollMs: 200, songDurationSecs: [1, 2], ...options.simulator });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "producer-session-"));
  const config = testConfig(site, dataDir, options.config);
  if (options.signedIn !== false) writeLoginState(config.paths.stateFile, site.issueSession());
  const session = new BrowserSession({ config });
  return {
    site,
    config,
    session,
    dataDir,
    async close() {
      await session.close();
      await site.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `work` and reports what it threw (or undefined) and how long it took. */
export async function timed(work: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  try {
    await work();
    return { error: undefined, ms: Date.now() - started };
  } catch (error) {
    return { error, ms: Date.now() - started };
  }
}
