import { describe, expect, it } from "vitest";
import { describeConfig, formatConfig } from "./format-config.js";
import { loadConfig } from "./load.js";

describe("the printable config", () => {
  const resolved = loadConfig({
    configFile: false,
    homeDir: "/home/someone",
    env: { PRODUCER_DAEMON_TOKEN: "a-very-secret-token-value", PRODUCER_AI_PASSWORD: "pw" },
    overrides: { browser: { pageCount: 4 } },
  });

  it("shows every setting with its source and masks secrets", () => {
    const text = formatConfig(resolved);
    expect(text).not.toContain("a-very-secret-token-value");
    expect(text).not.toContain('"pw"');
    expect(text).toMatch(/daemon\.token\s+= "\*\*\*\*"\s+\(env PRODUCER_DAEMON_TOKEN\)/);
    expect(text).toMatch(/session\.password\s+= "\*\*\*\*"\s+\(env PRODUCER_AI_PASSWORD\)/);
    expect(text).toMatch(/browser\.pageCount\s+= 4\s+\(option\)/);
    expect(text).toMatch(/paths\.dataDir\s+= "\/home\/someone\/\.producer"\s+\(default\)/);
  });

  it("leaves unset secrets unset rather than masked", () => {
    const entry = describeConfig(resolved).find((candidate) => candidate.path === "storage.s3.secretAccessKey");
    expect(entry).toEqual({
      path: "storage.s3.secretAccessKey",
      env: "PRODUCER_STORAGE_S3_SECRET_ACCESS_KEY",
      value: undefined,
      source: "default",
    });
  });
});
