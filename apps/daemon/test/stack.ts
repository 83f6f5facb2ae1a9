import { loadConfig } from "@producer/config";
import { ProducerService } from "@producer/core";
import { BrowserSession, writeLoginState } from "@producer/session";
import { siteSettingsFor, start } from "@producer/simulator";
import { defineStack, type Stack } from "@producer/test-utils";

const siteParts = { startSite: start, siteSettingsFor, loadConfig, writeLoginState };

/** An engine in this process on real parts (simulator, Chromium, S3-protocol server, SQLite), for the app to serve. */
export const createStack = defineStack({ ...siteParts, BrowserSession, ProducerService });

/** The simulator, an S3-protocol server and a signed-in data dir, for `producer` processes to run on. */
export const createSiteStack = defineStack(siteParts);
export type SiteStack = Stack<typeof siteParts>;
