import fs from "node:fs";
import { timed } from "@producer/test-utils";
import { findPoolProcesses } from "../src/index.js";
import { afterEach, describe, expect, it } from "vitest";
import { createStack, type SessionStack } from "./stack.js";

let harness: SessionStack | undefined;
afterEach(() => harness?.close());

const waitFor = async (check: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe("the browser pool", () => {
  it("fails the running job with a retryable BROWSER_CRASHED when Chromium is killed, then relaunches", async () => {
    harness = await createStack({ simulator: { generationMs: 4000, replyDelayMs: 100, variant: "producerai-2025" } });
    const { session } = harness;
    await session.start();
    const pid = session.pool.browserProcessId();
    expect(pid).toBeGreaterThan(0);
    let killed = false;
    const { error } = await timed(() =>
      session.generate(
        { prompt: "crash me", format: "wav" },
        {
          onProgress: (event) => {
            if (event.stage === "replying" && !killed) {
              killed = true;
              process.kill(pid as number, "SIGKILL");
            }
          },
        },
      ),
    );
    expect(killed).toBe(true);
    expect(error).toMatchObject({ code: "BROWSER_CRASHED", retryable: true });
    harness.site.settings.generationMs = 0;
    const songs = await session.generate({ prompt: "after the crash", format: "wav" });
    expect(songs).toHaveLength(2);
    expect(session.pool.restarts).toBe(1);
    expect(session.pool.browserProcessId()).not.toBe(pid);
  });

  it("recycles a page after recycleAfterGenerations uses", async () => {
    harness = await createStack({ config: { browser: { recycleAfterGenerations: 2 } } });
    for (let run = 0; run < 5; run += 1) await harness.session.generate({ prompt: `run ${run}`, format: "wav" });
    // uses 1–2 on page 1, 3–4 on page 2, 5 on page 3
    expect(harness.session.pool.pagesOpened).toBe(3);
    expect(harness.session.pool.pagesOpen).toBe(1);
  }, 90_000);

  it("replaces the context after renewContextAfterGenerations, signed in, once the old one's pages are done", async () => {
    harness = await createStack({
      simulator: { generationMs: 300, replyDelayMs: 50 },
      config: { browser: { renewContextAfterGenerations: 3, pageCount: 2 } },
    });
    const { pool } = harness.session;
    const results = [];
    for (let round = 0; round < 4; round += 1) {
      results.push(
        ...(await Promise.all(
          [1, 2].map((run) => harness?.session.generate({ prompt: `renew ${round}.${run}`, format: "wav" })),
        )),
      );
    }
    // Eight generations, three to a context: renewed after the 3rd and the 6th; every one still signed in.
    expect(results.map((songs) => songs?.length)).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
    expect(pool.contextsRenewed).toBe(2);
    await waitFor(() => pool.pagesInUse === 0);
    expect(pool.contextsOpen).toBe(1);
    const state = JSON.parse(fs.readFileSync(harness.config.paths.stateFile, "utf8")) as { cookies: unknown[] };
    expect(state.cookies.length).toBeGreaterThan(0);
    expect(fs.statSync(harness.config.paths.stateFile).mode & 0o777).toBe(0o600);
  }, 90_000);

  it("runs pageCount generations at once and makes the next one wait", async () => {
    harness = await createStack({
      simulator: { generationMs: 1500, replyDelayMs: 100 },
      config: { browser: { pageCount: 2 } },
    });
    await harness.session.start();
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, harness?.session.pool.pagesInUse ?? 0)), 20);
    try {
      const results = await Promise.all(
        [1, 2, 3].map((run) => harness?.session.generate({ prompt: `parallel ${run}`, format: "wav" })),
      );
      expect(results.map((songs) => songs?.length)).toEqual([2, 2, 2]);
    } finally {
      clearInterval(sampler);
    }
    expect(peak).toBe(2);
    expect(harness.session.pool.pagesOpened).toBe(2);
  }, 90_000);

  it("closes pages left idle for idleCloseSecs and opens a new one when needed", async () => {
    harness = await createStack({ config: { browser: { idleCloseSecs: 1 } } });
    await harness.session.generate({ prompt: "then idle", format: "wav" });
    expect(harness.session.pool.pagesOpen).toBe(1);
    await waitFor(() => harness?.session.pool.pagesOpen === 0, 5_000);
    expect(harness.session.pool.status).toBe("ready"); // the browser stays warm
    await harness.session.generate({ prompt: "after idle", format: "wav" });
    expect(harness.session.pool.pagesOpened).toBe(2);
  }, 90_000);

  it("keeps a Playwright trace of a failed generation when tracing is on", async () => {
    harness = await createStack({ config: { browser: { trace: true } } });
    harness.site.faults.set("quota-exhausted", { times: 1 });
    const { error } = await timed(() => harness!.session.generate({ prompt: "traced", format: "wav" }));
    const artifacts = (error as { details: { artifacts: { trace?: string } } }).details.artifacts;
    expect(artifacts.trace).toMatch(/trace\.zip$/);
    expect(fs.statSync(artifacts.trace as string).size).toBeGreaterThan(1000);
  });

  it("leaves no Chromium process behind after close()", async () => {
    harness = await createStack();
    await harness.session.generate({ prompt: "then close", format: "wav" });
    const { poolId } = harness.session.pool;
    expect(findPoolProcesses(poolId).length).toBeGreaterThan(1);
    await harness.session.close();
    await waitFor(() => findPoolProcesses(poolId).length === 0);
    expect(findPoolProcesses(poolId)).toEqual([]);
    await expect(harness.session.generate({ prompt: "closed", format: "wav" })).rejects.toMatchObject({
      code: "CANCELLED",
    });
  });
});
