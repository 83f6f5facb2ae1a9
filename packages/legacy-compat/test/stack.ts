import { loadConfig, type ProducerConfigInput } from "@producer/config";
import { ProducerService } from "@producer/core";
import { BrowserSession, writeLoginState } from "@producer/session";
import { siteSettingsFor, start } from "@producer/simulator";
import { defineStack, type Stack } from "@producer/test-utils";

const parts = { startSite: start, siteSettingsFor, loadConfig, writeLoginState, BrowserSession, ProducerService };
const createEngineStack = defineStack(parts, { name: "legacy", bucket: "legacy-songs" });

/**
 * The new engine on real parts (simulator, Chromium, S3-protocol server, SQLite), for the old API to run on. One
 * attempt a job: the old API's failures show at once.
 */
export const createLegacyStack = (config: ProducerConfigInput = {}) =>
  createEngineStack({ config: { ...config, queue: { maxAttempts: 1, ...config.queue } } });
export type LegacyStack = Stack<typeof parts>;
