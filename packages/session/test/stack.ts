import { loadConfig } from "@producer/config";
import { siteSettingsFor, start } from "@producer/simulator";
import { defineStack, type Stack } from "@producer/test-utils";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { BrowserSession } from "../src/index.js";
import { writeLoginState } from "../src/login-state.js";

const parts = { startSite: start, siteSettingsFor, loadConfig, writeLoginState, BrowserSession };
const createSessionStack = defineStack(parts, { name: "session" });
type Options = NonNullable<Parameters<typeof createSessionStack>[0]>;

/** A simulator, a data dir with a signed-in login state, and a BrowserSession on them; songs stay in the data dir. */
export const createStack = (options: Omit<Options, "storage" | "accounts"> = {}) =>
  createSessionStack({ ...options, storage: "local" });
export type SessionStack = Stack<typeof parts, { storage: "local" }>;

/**
 * One stack for a whole test file, its session started before the file's first test and everything closed after
 * its last; `eachTest` runs before every test. The object is filled in `beforeAll`, so a file names it once at the
 * top and reads it from any test or helper.
 */
export function stackForFile(
  options: Parameters<typeof createStack>[0] = {},
  eachTest?: (stack: SessionStack) => void,
): SessionStack {
  const stack = {} as SessionStack;
  beforeAll(async () => {
    Object.assign(stack, await createStack(options));
    await stack.session.start();
  }, 180_000);
  afterAll(() => stack.close?.());
  if (eachTest) beforeEach(() => eachTest(stack));
  return stack;
}

/** Before each test: the site's faults and counters cleared, 500 credits, and songs made at once. */
export function freshSite(stack: SessionStack): void {
  stack.resetSite();
  stack.site.setCredits(500);
  stack.site.settings.generationMs = 0;
}
