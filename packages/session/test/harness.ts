import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig, type ProducerConfig, type ProducerConfigInput } from "@producer/config";
import { start, type RunningSimulator, type SimulatorOptions } from "@producer/simulator";
import { BrowserSession } from "../src/index.js";
import { writeLoginState } from "../src/login-state.js";

export interface Harness {
  site: RunningSimulator;
  config: ProducerConfig;
  session: BrowserSession;
  dataDir: string;
  close(): Promise<void>;
}

/** Timeouts short enough that a fault which waited for one would show, long enough for a loaded machine. */
export const TEST_TIMEOUTS = { navigationMs: 15_000, elementMs: 4_000, replyMs: 6_000, generationMs: 15_000, downloadMs: 6_000 };

export function testConfig(site: RunningSimulator, dataDir: string, overrides: ProducerConfigInput = {}): ProducerConfig {
  return loadConfig({
    env: {},
    configFile: false,
    overrides: {
      ...overrides,
      site: {
        baseUrl: site.url,
        timeouts: TEST_TIMEOUTS,
        pacing: { submitGapMinMs: 0, submitGapMaxMs: 0, actionDelayMinMs: 0, actionDelayMaxMs: 0 },
        ...overrides.site,
      },
      browser: { pageCount: 1, ...overrides.browser },
      paths: { dataDir, ...overrides.paths },
    },
  }).config;
}

/** A simulator, a data dir with a signed-in login state, and a BrowserSession on them. */
export async function createHarness(
  options: { simulator?: SimulatorOptions; config?: ProducerConfigInput; signedIn?: boolean } = {},
): Promise<Harness> {
  const site = await start({ generationMs: 0, replyDelayMs: 0, songDurationSecs: [1, 2], ...options.simulator });
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
