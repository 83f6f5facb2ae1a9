import { loadConfig } from "@producer/config";
import { AccountPool, BrowserSession, writeLoginState } from "@producer/session";
import { siteSettingsFor, start } from "@producer/simulator";
import { defineStack, type Stack } from "@producer/test-utils";
import { ProducerService } from "../src/index.js";

const siteParts = { startSite: start, siteSettingsFor, loadConfig, writeLoginState };
const parts = { ...siteParts, BrowserSession, AccountPool, ProducerService };

/** The whole pipeline on real parts: the simulator, Chromium, an S3-protocol server and SQLite (or PostgreSQL). */
export const createStack = defineStack(parts, { name: "core" });
export type CoreStack = Stack<typeof parts>;

/** The simulator, an S3-protocol server and a data dir, for services a test starts itself (in processes of their own, say). */
export const createSiteStack = defineStack(siteParts, { name: "core" });
export type SiteStack = Stack<typeof siteParts>;

/** Queues `prompt` on the stack's service and resolves with its job once it has ended (a minute at most). */
export async function endedJob(stack: CoreStack, prompt: string) {
  const { jobId } = (await stack.service.generateMusic({ prompt })) as { jobId: string };
  return stack.service.waitForJob(jobId, { timeoutMs: 60_000 });
}
