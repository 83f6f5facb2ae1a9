import fs from "node:fs";
import path from "node:path";
import { makeTempDir, removeDir } from "@producer/test-utils";
import { afterAll, describe, expect, it } from "vitest";
import { configError } from "./config-error.test-helper.js";
import { loadConfig } from "./load.js";
import { SHIPPED_PROFILES } from "./profiles/index.js";
import { siteProfileSchema } from "./site-profile.js";

const dir = makeTempDir("producer-profile-");
afterAll(() => removeDir(dir));
const load = (overrides: object, env: NodeJS.ProcessEnv = {}) =>
  loadConfig({ env, cwd: dir, homeDir: dir, configFile: false, overrides }).config;

describe("site profiles", () => {
  it("ships two valid profiles, each a plain JSON document", () => {
    for (const profile of Object.values(SHIPPED_PROFILES)) {
      const roundTripped = JSON.parse(JSON.stringify(profile)) as unknown;
      expect(siteProfileSchema.safeParse(roundTripped).success).toBe(true);
    }
  });

  it("selects the 2025 profile by name, with its own paths, locators and timeouts", () => {
    const config = load({ site: { profile: "producerai-2025" } });
    expect(config.site.flow).toBe("chat-2025");
    expect(config.site.baseUrl).toBe("https://www.producer.ai");
    expect(config.site.paths.studio).toBe("/create");
    expect(config.site.locators.promptInput).toBe('textarea[placeholder="Ask Producer..."]');
    expect(config.site.timeouts.generationMs).toBe(120_000);
    expect(config.site.menus.submenuPick).toBe("pointer");
  });

  it("loads a profile from a JSON file and lays single overrides from config and env on it", () => {
    const file = path.join(dir, "custom.json");
    const custom = { ...structuredClone(SHIPPED_PROFILES["flow-2026"]), name: "custom", baseUrl: "http://127.0.0.1:9" };
    fs.writeFileSync(file, JSON.stringify(custom));
    const config = load(
      {
        site: {
          profile: file,
          locators: { generateButton: { role: "button", name: "Create" } },
          timeouts: { elementMs: 1234 },
        },
      },
      {
        PRODUCER_SITE_API: JSON.stringify({ credits: "/__api/v2/credits" }),
        PRODUCER_SITE_BASE_URL: "http://127.0.0.1:10/",
      },
    );
    expect(config.site.profile).toBe("custom");
    expect(config.site.profileSource).toBe(file);
    expect(config.site.baseUrl).toBe("http://127.0.0.1:10");
    expect(config.site.locators.generateButton).toEqual({ role: "button", name: "Create" });
    expect(config.site.locators.soundDescription).toEqual({ role: "textbox", name: "Sound description" });
    expect(config.site.api.credits).toBe("/__api/v2/credits");
    expect(config.site.timeouts.elementMs).toBe(1234);
    expect(config.site.timeouts.generationMs).toBe(180_000);
  });

  it("refuses an unknown profile and a profile missing what its flow needs, naming the key", () => {
    const unknown = configError(() => load({ site: { profile: "flow-2099" } }));
    expect(unknown.issues[0]).toMatchObject({ path: "site.profile", received: '"flow-2099"' });
    const file = path.join(dir, "broken.json");
    const broken = structuredClone(SHIPPED_PROFILES["flow-2026"]) as { locators: Record<string, unknown> };
    delete broken.locators.generateButton;
    fs.writeFileSync(file, JSON.stringify(broken));
    const missing = configError(() => load({ site: { profile: file } }));
    expect(missing.issues).toEqual([
      expect.objectContaining({ path: "site.locators.generateButton", expected: "needed by the compose-2026 flow" }),
    ]);
    expect(missing.message).not.toMatch(/ZodError|"code":/);
  });

  it("refuses a locator of the wrong shape with the key and its variable", () => {
    const error = configError(() => load({}, { PRODUCER_SITE_LOCATORS: JSON.stringify({ moreOptions: { role: 5 } }) }));
    expect(error.issues[0]).toMatchObject({ path: "site.locators.moreOptions", env: "PRODUCER_SITE_LOCATORS" });
  });
});
