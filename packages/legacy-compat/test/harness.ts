import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig, type ProducerConfigInput } from "@producer/config";
import { ProducerService, type ProducerBackend } from "@producer/core";
import { BrowserSession, writeLoginState } from "@producer/session";
import { siteSettingsFor, start, type RunningSimulator } from "@producer/simulator";
import { golden as goldenIn, normalize, startS3Server, type S3Server } from "@producer/test-utils";

export interface LegacyHarness {
  site: RunningSimulator;
  s3: S3Server;
  service: ProducerService;
  close(): Promise<void>;
}

/** The new engine on real parts (simulator, Chromium, S3-protocol server, SQLite), for the old API to run on. */
export async function createLegacyHarness(overrides: ProducerConfigInput = {}): Promise<LegacyHarness> {
  const site = await start({ generationMs: 0, replyDelayMs: 0, statusPollMs: 200, songDurationSecs: [1, 2] });
  const s3 = await startS3Server({ bucket: "legacy-songs" });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "producer-legacy-"));
  const { config } = loadConfig({
    env: {},
    configFile: false,
    overrides: {
      ...overrides,
      site: { ...siteSettingsFor(site), ...overrides.site },
      paths: { dataDir },
      storage: { driver: "s3", s3: s3.s3Config },
      queue: { pollIntervalMs: 100, maxAttempts: 1, ...overrides.queue },
    },
  });
  writeLoginState(config.paths.stateFile, site.issueSession());
  const session = new BrowserSession({ config });
  const service = await ProducerService.create({ config, generator: session });
  return {
    site,
    s3,
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

const FIXTURES = path.join(import.meta.dirname, "fixtures");

export { normalize };

/** Compares with `test/fixtures/<name>.json`; `UPDATE_GOLDEN=1` writes the file instead. */
export const golden = (name: string, value: unknown): unknown => goldenIn(FIXTURES, name, value);

/** A backend that is down: every call fails as the daemon client does when nothing listens. */
export const downBackend: ProducerBackend = (() => {
  const down = async () => Promise.reject(Object.assign(new Error("The producer daemon is not running."), { code: "UNAVAILABLE" }));
  return {
    generateMusic: down,
    getJob: down,
    waitForJob: down,
    cancel: down,
    retry: down,
    listJobs: down,
    status: down,
    listTracks: down,
    getTrack: down,
    openTrackAudio: down,
    session: down,
    upNext: down,
    watchJob: async function* () {
      await down();
    },
  };
})();

/** A fresh folder for a test's downloads, removed by the caller. */
export const tempFolder = (name: string): string => fs.mkdtempSync(path.join(os.tmpdir(), `producer-legacy-${name}-`));
