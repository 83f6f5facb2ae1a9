import { loadConfig } from "@producer/config";
import { makeTempDir, removeDir } from "@producer/test-utils";
import type { SubmissionRecord } from "@producer/utils";
import { afterEach, describe, expect, it } from "vitest";
import { AccountPool } from "./account-pool.js";
import { BrowserSession } from "./browser-session.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDir(dir);
});

function configWith(accounts?: Array<{ name: string }>) {
  const dataDir = makeTempDir("session-binding-");
  dirs.push(dataDir);
  return loadConfig({
    env: {},
    configFile: false,
    overrides: { paths: { dataDir }, ...(accounts ? { accounts } : {}) },
  }).config;
}

const submittedOn = (account: string): SubmissionRecord => ({
  state: "sending",
  submittedAt: new Date().toISOString(),
  prompt: "made elsewhere",
  account,
});

describe("a job bound to an account this daemon does not run", () => {
  it("is refused by a one-account session before anything opens or is sent, so it waits rather than paying twice", async () => {
    const session = new BrowserSession({ config: configWith() });
    try {
      await expect(
        session.generate(
          { prompt: "made elsewhere", instrumental: false, format: "wav" },
          { resume: submittedOn("x") },
        ),
      ).rejects.toMatchObject({ code: "ACCOUNT_UNAVAILABLE", retryable: true, details: { account: "x" } });
      await expect(
        session.generate({ prompt: "pinned elsewhere", instrumental: false, format: "wav" }, { account: "x" }),
      ).rejects.toMatchObject({ code: "ACCOUNT_UNAVAILABLE" });
      expect(session.pool.pagesOpen).toBe(0);
    } finally {
      await session.close();
    }
  });

  it("waits in a pool without that account, instead of failing NOT_FOUND", async () => {
    const pool = new AccountPool({ config: configWith([{ name: "a" }, { name: "b" }]) });
    try {
      const request = { prompt: "made on c", instrumental: false, format: "wav" } as const;
      await expect(pool.generate(request, { resume: submittedOn("c") })).rejects.toMatchObject({
        code: "ACCOUNT_UNAVAILABLE",
        details: { account: "c" },
      });
      await expect(pool.generate(request, { account: "c" })).rejects.toMatchObject({ code: "ACCOUNT_UNAVAILABLE" });
      expect(pool.accounts().map((account) => account.generations)).toEqual([0, 0]);
    } finally {
      await pool.close();
    }
  });

  it("an operation on a song of an account not run here waits too, on the session and the pool alike", async () => {
    const operation = { source: { clipId: "clip-on-c" }, operation: { kind: "stems" }, format: "wav" } as const;
    const session = new BrowserSession({ config: configWith() });
    const pool = new AccountPool({ config: configWith([{ name: "a" }, { name: "b" }]) });
    try {
      await expect(session.operate(operation, { account: "c" })).rejects.toMatchObject({ code: "ACCOUNT_UNAVAILABLE" });
      await expect(pool.operate(operation, { resume: submittedOn("c") })).rejects.toMatchObject({
        code: "ACCOUNT_UNAVAILABLE",
        details: { account: "c" },
      });
      expect(session.pool.pagesOpen).toBe(0);
      expect(pool.accounts().map((account) => account.generations)).toEqual([0, 0]);
    } finally {
      await session.close();
      await pool.close();
    }
  });
});
