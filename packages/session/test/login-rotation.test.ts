import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { checkLoginState } from "../src/index.js";
import { readLoginState, refreshTokenOf, type LoginState } from "../src/login-state.js";
import { createStack, type SessionStack } from "./stack.js";

let harness: SessionStack | undefined;
afterEach(() => harness?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `read` gives what `done` accepts, or fails saying what it last saw. */
async function until<T>(read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

const savedToken = (stack: SessionStack) => refreshTokenOf(readLoginState(stack.config.paths.stateFile) as LoginState);

/** What another holder of a copied login sends: a plain refresh with the refresh token it kept. */
const refreshElsewhere = async (stack: SessionStack, refreshToken: string) => {
  const response = await fetch(`${stack.site.url}/auth/v1/token?grant_type=refresh_token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ refresh_token: refreshToken }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe("the login on every rotation", () => {
  it("is saved each time the idle page refreshes it, and each save is told", async () => {
    // Access tokens living 6 s: the open page refreshes its login about every 4 s while nothing runs.
    harness = await createStack({ simulator: { accessTokenTtlSecs: 6 } });
    const { site, session, config } = harness;
    const told: LoginState[] = [];
    session.onLoginStateSaved((state) => {
      told.push(state);
    });
    expect((await session.checkSession({ force: true })).valid).toBe(true);
    const granted = site.stats.flow.refreshes.granted;
    await until(
      () => site.stats.flow.refreshes.granted,
      (count) => count >= granted + 2,
      20_000,
    );
    // No job ran: the file follows the page's rotations by itself.
    const live = await until(
      () => site.liveRefreshTokens(),
      (tokens) => tokens.length === 1 && tokens[0] === savedToken(harness!),
      5000,
    );
    expect(savedToken(harness)).toBe(live[0]);
    expect(fs.statSync(config.paths.stateFile).mode & 0o777).toBe(0o600);
    const toldTokens = told.map(refreshTokenOf);
    expect(new Set(toldTokens).size).toBeGreaterThanOrEqual(2);
    expect(toldTokens.at(-1)).toBe(live[0]);
    expect(site.stats.flow.revokedSessions).toBe(0);
    // A rotation not seen on the wire (here: cookies put in the context directly) is caught by the periodic look.
    const unseen = site.issueSession();
    await session.pool.replaceState(unseen);
    const unseenToken = refreshTokenOf(unseen as LoginState);
    // (The page may refresh it soon after: what counts is that it was saved before that.)
    await until(
      () => told.map(refreshTokenOf),
      (tokens) => tokens.includes(unseenToken),
      8000,
    );
  });

  it("refused as already used after the browser it came from refreshed it: SESSION_REVOKED with its cause, until a new import", async () => {
    harness = await createStack({ simulator: { accessTokenTtlSecs: 6, refreshReuseSecs: 1 } });
    const { site, session, config } = harness;
    const imported = savedToken(harness) as string;
    expect((await session.checkSession({ force: true })).valid).toBe(true);
    // The daemon's page rotates the imported refresh token (and saves its successor)…
    await until(
      () => savedToken(harness!),
      (token) => token !== imported,
      15_000,
    );
    await sleep(1500); // …and the reuse interval passes.
    // The person's own browser, still signed in, refreshes the login it kept.
    const elsewhere = await refreshElsewhere(harness, imported);
    expect(elsewhere).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "Invalid Refresh Token: Already Used" },
    });
    expect(site.stats.flow.revokedSessions).toBe(1);
    // The daemon's page finds out at its next refresh.
    const status = await until(
      () => session.checkSession(),
      (value) => value.code === "SESSION_REVOKED",
      15_000,
    );
    expect(status.valid).toBe(false);
    expect(status.reason).toContain("refreshed elsewhere after it was copied");
    const failure = await session.generate({ prompt: "after the revocation", format: "wav" }).catch((error) => error);
    expect(failure).toMatchObject({
      code: "SESSION_REVOKED",
      details: { answer: "Invalid Refresh Token: Already Used" },
    });
    expect(failure.message).toContain("another daemon or the browser it came from");
    expect(site.stats.flow.generationCalls).toEqual({});
    // Another process (`producer session check`) says so too, without opening the site.
    const requests = site.stats.requests;
    expect(await checkLoginState({ config })).toMatchObject({ valid: false, code: "SESSION_REVOKED" });
    expect(site.stats.requests).toBe(requests);
    // A new import lifts it.
    await session.importLoginState(site.issueSession());
    expect(await session.checkSession({ force: true })).toMatchObject({ valid: true });
    expect(await session.generate({ prompt: "after a new import", format: "wav" })).toHaveLength(2);
    expect(site.stats.flow.revokedSessions).toBe(1);
  });
});
