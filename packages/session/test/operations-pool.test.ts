import { loadConfig } from "@producer/config";
import { siteSettingsFor, start } from "@producer/simulator";
import { defineStack } from "@producer/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountPool } from "../src/index.js";
import { writeLoginState } from "../src/login-state.js";
import { expectExactSongs } from "./exact-songs.js";

const EMAILS = { x: "x@operations.test", y: "y@operations.test" } as const;
const parts = { startSite: start, siteSettingsFor, loadConfig, writeLoginState, AccountPool };
const createPoolStack = defineStack(parts, { name: "session-operations-pool" });

let harness: Awaited<ReturnType<typeof createPoolStack<{ storage: "local"; accounts: typeof EMAILS }>>>;
beforeAll(async () => {
  harness = await createPoolStack({ storage: "local", accounts: EMAILS, simulator: { startingCredits: 500 } });
  harness.site.settings.generationMs = 0;
});
afterAll(() => harness?.close());

describe("an operation in a pool of accounts", () => {
  it("runs on the account whose library holds the song, even when another is idle", async () => {
    const pool = harness.pool as AccountPool;
    const [song] = await pool.generate({ prompt: "made on x", title: "On X", format: "wav" }, { account: "x" });
    const source = { clipId: song?.clipId as string, title: "On X" };
    const stems = await pool.operate({ source, operation: { kind: "stems" }, format: "wav" }, { account: "x" });
    expect(stems).toHaveLength(4);
    for (const stem of stems) expect(stem.parentClipId).toBe(source.clipId);
    await expectExactSongs(harness.site, stems);
    const runs = Object.fromEntries(pool.accounts().map((account) => [account.name, account.generations]));
    expect(runs).toEqual({ x: 2, y: 0 });
    // The song is not in y's library: pinned there, the operation is refused before anything is sent.
    const calls = { ...harness.site.stats.flow.toolCalls };
    const elsewhere = await pool
      .operate({ source, operation: { kind: "trim", startSecs: 0, endSecs: 1 }, format: "wav" }, { account: "y" })
      .catch((error: unknown) => error);
    expect(elsewhere).toMatchObject({ code: "NOT_FOUND", details: { clipId: source.clipId } });
    expect(harness.site.stats.flow.toolCalls).toEqual(calls);
  });
});
