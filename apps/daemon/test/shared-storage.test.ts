import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { loadConfig } from "@producer/config";
import { createTeardown, producerEnvironment } from "@producer/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import { checkSharedStorage } from "../src/shared-storage.js";
import { bin } from "./process-harness.js";

const run = promisify(execFile);
const teardown = createTeardown();
afterEach(() => teardown.run());

/** A PostgreSQL URL nothing listens on: the refusal comes before any connection. */
const POSTGRES = "postgres://producer@127.0.0.1:9/fleet";

const configFrom = (env: NodeJS.ProcessEnv) => loadConfig({ env, configFile: false }).config;

describe("storage a fleet can share", () => {
  it("refuses local storage with PostgreSQL unless storage.localShared says the folder is shared", () => {
    const refused = (() => {
      try {
        checkSharedStorage(configFrom({ PRODUCER_DATABASE_URL: POSTGRES }));
        return undefined;
      } catch (error) {
        return error as { code: string; message: string };
      }
    })();
    expect(refused?.code).toBe("INVALID_CONFIG");
    expect(refused?.message).toMatch(/another daemon would answer 404/);
    expect(refused?.message).toContain("PRODUCER_STORAGE_LOCAL_SHARED=true");
    expect(() =>
      checkSharedStorage(configFrom({ PRODUCER_DATABASE_URL: POSTGRES, PRODUCER_STORAGE_LOCAL_SHARED: "true" })),
    ).not.toThrow();
    expect(() =>
      checkSharedStorage(configFrom({ PRODUCER_DATABASE_URL: POSTGRES, PRODUCER_STORAGE_S3_BUCKET: "songs" })),
    ).not.toThrow();
    expect(() => checkSharedStorage(configFrom({}))).not.toThrow();
  });

  it("`producer daemon` exits at start with the reason, and `producer doctor` reports it", async () => {
    const dataDir = teardown.tempDir("producer-shared-storage-");
    const env = producerEnvironment({ dataDir }, { PRODUCER_DATABASE_URL: POSTGRES });
    const daemon = await run(process.execPath, [bin, "daemon"], { env, timeout: 30_000 }).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(daemon.code).not.toBe(0);
    expect(daemon.stderr).toMatch(/INVALID_CONFIG|local storage/);
    expect(daemon.stderr).toContain("storage.localShared");

    const doctor = await run(process.execPath, [bin, "doctor"], { env, timeout: 60_000 }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => error,
    );
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/✗ storage shared by every daemon on the database: PostgreSQL is shared/);

    const shared = await run(process.execPath, [bin, "doctor"], {
      env: { ...env, PRODUCER_STORAGE_LOCAL_SHARED: "true" },
      timeout: 60_000,
    }).then(
      ({ stdout }) => stdout,
      (error: { stdout: string }) => error.stdout,
    );
    expect(shared).toContain("✓ storage shared by every daemon on the database: local, marked shared");
  }, 120_000);
});
