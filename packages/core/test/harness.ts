import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig, type ProducerConfig, type ProducerConfigInput } from "@producer/config";
import { BrowserSession, writeLoginState } from "@producer/session";
import { siteSettingsFor, start, type RunningSimulator, type SimulatorOptions } from "@producer/simulator";
import { startS3Server, type S3Server } from "@producer/test-utils";
import { ProducerService } from "../src/index.js";

export interface CoreHarness {
  site: RunningSimulator;
  s3: S3Server;
  dataDir: string;
  config: ProducerConfig;
  session: BrowserSession;
  service: ProducerService;
  close(): Promise<void>;
}

export function coreConfig(site: RunningSimulator, s3: S3Server, dataDir: string, overrides: ProducerConfigInput = {}): ProducerConfig {
  return loadConfig({
    env: {},
    configFile: false,
    overrides: {
      ...overrides,
      site: { ...siteSettingsFor(site), ...overrides.site },
      browser: { pageCount: 1, ...overrides.browser },
      paths: { dataDir, ...overrides.paths },
      storage: { driver: "s3", s3: s3.s3Config, ...overrides.storage },
      queue: { pollIntervalMs: 100, backoffBaseMs: 200, backoffMaxMs: 1000, pauseRecheckMs: 500, pauseRecheckMaxMs: 2000, ...overrides.queue },
    },
  }).config;
}

/** The whole pipeline on real parts: the simulator, Chromium, an S3-protocol server and SQLite. */
export async function createCoreHarness(
  options: { simulator?: SimulatorOptions; config?: ProducerConfigInput; withGenerator?: boolean } = {},
): Promise<CoreHarness> {
  const site = await start({ generationMs: 0, replyDelayMs: 0, statusPollMs: 200, songDurationSecs: [1, 2], ...options.simulator });
  const s3 = await startS3Server({ bucket: "producer-core" });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "producer-core-"));
  const config = coreConfig(site, s3, dataDir, options.config);
  writeLoginState(config.paths.stateFile, site.issueSession());
  const session = new BrowserSession({ config });
  const service = await ProducerService.create({
    config,
    ...(options.withGenerator === false ? {} : { generator: session }),
  });
  return {
    site,
    s3,
    dataDir,
    config,
    session,
    service,
    async close() {
      await service.close({ graceMs: 1000 });
      await session.close();
      await site.close();
      await s3.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const listFiles = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => path.join(entry.parentPath, entry.name))
    : [];
