import { loadConfig } from "@producer/config";
import { makeTempDir, removeDir } from "@producer/test-utils";
import { silentLogger, type MusicGenerator, type SubmissionRecord } from "@producer/utils";
import { afterEach, describe, expect, it } from "vitest";
import type { JobInput } from "./generate-input.js";
import { settleFailure } from "./job-failure.js";
import { runPipeline } from "./pipeline.js";
import { sqliteJobStores } from "./store/job-store.test-helper.js";
import type { TrackStore } from "./store/track-store.js";

const store = sqliteJobStores("pipeline-account-");
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDir(dir);
});

const input: JobInput = { prompt: "made on x", instrumental: false, format: "wav", priority: 0 };
const submission: SubmissionRecord = {
  state: "sending",
  submittedAt: new Date().toISOString(),
  prompt: "made on x",
  account: "x",
};

describe("a claimed job bound to an account this daemon does not run", () => {
  it("goes back to wait for its account, its attempt given back, with nothing sent and no step written", async () => {
    const dataDir = makeTempDir("pipeline-account-");
    dirs.push(dataDir);
    const { config } = loadConfig({ env: {}, configFile: false, overrides: { paths: { dataDir } } });
    const jobs = await store();
    const { row } = await jobs.insert({ input, maxAttempts: 3, maxQueued: 10, retryAfterMs: async () => 0 });
    const claimed = await jobs.claim("w", 60_000);
    expect(claimed?.id).toBe(row.id);
    await jobs.update(row.id, "w", { submission });

    // The generator would be asked to resume x's submission on y: the pipeline stops before it.
    const asked: string[] = [];
    const generator: MusicGenerator = {
      generate: async (request) => {
        asked.push(request.prompt);
        return [];
      },
      checkSession: async () => ({ valid: true, reason: "", checkedAt: new Date().toISOString() }),
      close: async () => undefined,
    };
    const steps: string[] = [];
    const failure = await runPipeline(
      {
        jobId: row.id,
        input,
        downloaded: null,
        submission,
        saveSubmission: async () => undefined,
        signal: new AbortController().signal,
        setStatus: async (status) => void steps.push(status),
        onProgress: () => undefined,
      },
      {
        config,
        generator,
        storage: undefined as never,
        tracks: undefined as unknown as TrackStore,
        logger: silentLogger,
        claimableAccounts: () => ["y"],
      },
    ).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "ACCOUNT_UNAVAILABLE", retryable: true, details: { account: "x" } });
    expect(asked).toEqual([]);
    expect(steps).toEqual([]);

    await settleFailure(
      { config, jobs, owner: "w", pause: () => undefined },
      (await jobs.get(row.id)) as NonNullable<typeof claimed>,
      failure,
      silentLogger,
      false,
    );
    const waiting = await jobs.get(row.id);
    expect(waiting).toMatchObject({ status: "queued", attempts: 0, account: "x", error_code: "ACCOUNT_UNAVAILABLE" });
    expect(await jobs.claim("y-worker", 60_000, { accounts: ["y"] })).toBeUndefined();
  });
});
