import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { envNameFor, listSettings, settingsMarkdownTable } from "./settings-table.js";

describe("the settings table", () => {
  it("derives environment names from key paths", () => {
    expect(envNameFor("site.timeouts.navigationMs")).toBe("PRODUCER_SITE_TIMEOUTS_NAVIGATION_MS");
    expect(envNameFor("storage.s3.accessKeyId")).toBe("PRODUCER_STORAGE_S3_ACCESS_KEY_ID");
  });

  it("documents every setting with a unique variable", () => {
    const settings = listSettings();
    expect(settings.length).toBeGreaterThan(60);
    expect(new Set(settings.map((info) => info.env)).size).toBe(settings.length);
    for (const info of settings) expect(info.doc.length, info.path).toBeGreaterThan(5);
  });

  it("never gives a secret a default", () => {
    const secrets = listSettings().filter((info) => info.secret);
    expect(secrets.map((info) => info.path).sort()).toEqual(
      [
        "accountPool.stateKey",
        "daemon.token",
        "session.email",
        "session.password",
        "storage.s3.accessKeyId",
        "storage.s3.secretAccessKey",
        "webhooks.secret",
      ].sort(),
    );
    for (const info of secrets) expect(info.defaultText, info.path).toBeUndefined();
  });

  it("is published unchanged in the package README", () => {
    const readme = fs.readFileSync(path.join(import.meta.dirname, "..", "README.md"), "utf8");
    expect(readme).toContain(settingsMarkdownTable());
  });
});
