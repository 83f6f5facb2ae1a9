import fs from "node:fs";
import path from "node:path";
import { makeTempDir, removeDir } from "@producer/test-utils";
import { afterAll, describe, expect, it } from "vitest";
import { effectiveProfile, profileEntries } from "./effective-profile.js";
import { loadConfig } from "./load.js";

const dir = makeTempDir("producer-effective-");
afterAll(() => removeDir(dir));
const resolve = (overrides: object, env: NodeJS.ProcessEnv = {}) =>
  loadConfig({ env, cwd: dir, homeDir: dir, configFile: false, overrides });
/** The site as the driver sees it, without where it came from. */
const siteOf = (resolved: ReturnType<typeof resolve>) => {
  const { profileSource, overridden, ...site } = resolved.config.site;
  void profileSource;
  void overridden;
  return site;
};

describe("the effective profile", () => {
  const env = { PRODUCER_SITE_LOCATORS: JSON.stringify({ generateButton: { role: "button", name: "Create" } }) };
  const overrides = {
    site: { baseUrl: "http://127.0.0.1:4173", api: { credits: "/__api/v2/credits" }, timeouts: { elementMs: 4000 } },
  };

  it("says where each value came from: the built-in profile, the environment, or an option", () => {
    const entries = profileEntries(resolve(overrides, env));
    const source = (key: string) => entries.find((entry) => entry.key === key)?.source;
    expect(entries.find((entry) => entry.key === "locators.generateButton")?.value).toEqual({
      role: "button",
      name: "Create",
    });
    const keysBySource = {
      "env PRODUCER_SITE_LOCATORS": ["locators.generateButton"],
      "built-in flow-2026": ["locators.soundDescription", "api.clips", "timeouts.songStartMs"],
      option: ["baseUrl", "api.credits", "timeouts.elementMs"],
    };
    for (const [expected, keys] of Object.entries(keysBySource)) {
      for (const key of keys) expect(source(key), key).toBe(expected);
    }
  });

  it("is a profile file that, named by site.profile, gives the same site", () => {
    const resolved = resolve(overrides, env);
    const file = path.join(dir, "p.json");
    fs.writeFileSync(file, JSON.stringify(effectiveProfile(resolved.config.site), null, 2));
    const again = resolve({ site: { profile: file } });
    expect(again.config.site.profileSource).toBe(file);
    expect(siteOf(again)).toEqual(siteOf(resolved));
    expect(profileEntries(again).find((entry) => entry.key === "locators.generateButton")?.source).toBe(
      `profile file ${file}`,
    );
  });
});
