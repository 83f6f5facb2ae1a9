import { loadConfig } from "@producer/config";
import { siteSettingsFor, start } from "@producer/simulator";
import { defineStack, type Stack } from "@producer/test-utils";
import { BrowserSession } from "../src/index.js";
import { writeLoginState } from "../src/login-state.js";

const parts = { startSite: start, siteSettingsFor, loadConfig, writeLoginState, BrowserSession };
const createSessionStack = defineStack(parts, { name: "session" });
type Options = NonNullable<Parameters<typeof createSessionStack>[0]>;

/** A simulator, a data dir with a signed-in login state, and a BrowserSession on them; songs stay in the data dir. */
export const createStack = (options: Omit<Options, "storage" | "accounts"> = {}) =>
  createSessionStack({ ...options, storage: "local" });
export type SessionStack = Stack<typeof parts, { storage: "local" }>;
