import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig, type ProducerConfigInput } from "@producer/config";
import { ProducerService } from "@producer/core";
import { BrowserSession, writeLoginState } from "@producer/session";
import { siteSettingsFor, start, type RunningSimulator } from "@producer/simulator";
import { startS3Server, type S3Server } from "@producer/test-utils";

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
      site: siteSettingsFor(site),
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

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const VARIABLE_NUMBERS = new Set(["file_size", "duration", "queue_position", "estimated_wait_time", "attempts"]);

/** A result with its run-to-run values (ids, hashes, times, ports, sizes) replaced by placeholders, for golden files. */
export function normalize(value: unknown, key = ""): unknown {
  if (Array.isArray(value)) return value.map((item) => normalize(item));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([name, child]) => [name, normalize(child, name)]));
  }
  if (typeof value === "number" && VARIABLE_NUMBERS.has(key)) return `<${typeof value}>`;
  if (typeof value !== "string") return value;
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return "<time>";
  if (/^[0-9a-f]{64}$/.test(value)) return "<sha256>";
  return value.replace(UUID, "<uuid>").replace(/http:\/\/127\.0\.0\.1:\d+/g, "http://<s3>");
}

/** Compares with `test/fixtures/<name>.json`; `UPDATE_GOLDEN=1` writes the file instead. */
export function golden(name: string, value: unknown): unknown {
  const file = path.join(import.meta.dirname, "fixtures", `${name}.json`);
  const normalized = normalize(value);
  if (process.env.UPDATE_GOLDEN === "1") fs.writeFileSync(file, `${JSON.stringify(normalized, null, 2)}\n`);
  return JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
}
