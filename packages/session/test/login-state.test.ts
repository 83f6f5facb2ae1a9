import fs from "node:fs";
import path from "node:path";
import { AUTH_COOKIE } from "@producer/simulator";
import { createTeardown } from "@producer/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import { checkLoginState, importLoginState, initLoginState } from "../src/index.js";
import {
  authCookieOf,
  type LoginState,
  normalizeLoginState,
  readLoginState,
  refreshTokenOf,
  sessionIdOf,
  writeLoginState,
} from "../src/login-state.js";
import { createStack, type SessionStack } from "./stack.js";

let harness: SessionStack | undefined;
afterEach(() => harness?.close());

describe("login state", () => {
  it("is reported missing with the command that fixes it", async () => {
    harness = await createStack({ signedIn: false, simulator: { variant: "producerai-2025" } });
    const status = await harness.session.checkSession();
    expect(status).toMatchObject({ valid: false, code: "SESSION_EXPIRED" });
    expect(status.reason).toContain("producer session init");
  });

  it("imports a browser-extension cookie export, saved 0600, and checks valid", async () => {
    harness = await createStack({ signedIn: false, simulator: { variant: "producerai-2025" } });
    const issued = harness.site.issueSession().cookies[0]!;
    const extensionExport = [
      {
        domain: "127.0.0.1",
        expirationDate: issued.expires + 0.25,
        hostOnly: true,
        httpOnly: true,
        name: AUTH_COOKIE,
        path: "/",
        sameSite: "lax",
        secure: false,
        session: false,
        storeId: "0",
        value: issued.value,
      },
    ];
    const summary = importLoginState({ config: harness.config, source: JSON.stringify(extensionExport) });
    expect(summary).toMatchObject({ cookies: 1, authCookie: AUTH_COOKIE });
    expect(summary.expiresAt).toBe(new Date(issued.expires * 1000).toISOString());
    expect(fs.statSync(harness.config.paths.stateFile).mode & 0o777).toBe(0o600);
    const status = await checkLoginState({ config: harness.config });
    expect(status).toMatchObject({ valid: true });
  });

  it("notices a session that expired on the site, and caches the answer", async () => {
    harness = await createStack({ simulator: { variant: "producerai-2025" } });
    expect((await harness.session.checkSession()).valid).toBe(true);
    harness.site.expireSessions();
    expect((await harness.session.checkSession()).valid).toBe(true); // cached
    const fresh = await harness.session.checkSession({ force: true });
    expect(fresh).toMatchObject({ valid: false, code: "SESSION_EXPIRED" });
    // a new state imported into the running session is used at once
    await harness.session.importLoginState(harness.site.issueSession());
    expect((await harness.session.checkSession()).valid).toBe(true);
    expect(await harness.session.generate({ prompt: "after import", format: "wav" })).toHaveLength(2);
  });

  it("reports an auth cookie past its expiry without opening the site", async () => {
    harness = await createStack({ signedIn: false, simulator: { variant: "producerai-2025" } });
    const state = harness.site.issueSession();
    state.cookies[0]!.expires = Math.floor(Date.now() / 1000) - 60;
    importLoginState({ config: harness.config, source: state });
    const before = harness.site.stats.requests;
    const status = await harness.session.checkSession();
    expect(status).toMatchObject({ valid: false, code: "SESSION_EXPIRED" });
    expect(status.reason).toContain("ended at");
    expect(harness.site.stats.requests).toBe(before);
  });

  it("init waits for a sign-in by hand on the sign-in page, then saves the state 0600", async () => {
    harness = await createStack({ signedIn: false, simulator: { variant: "producerai-2025" } });
    const summary = await initLoginState({
      config: harness.config,
      headless: true,
      timeoutMs: 20_000,
      // the user: clicks "Continue with Google" a moment later
      onPage: async (page) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        await page.getByText("Continue with Google").click();
      },
    });
    expect(summary.authCookie).toBe(AUTH_COOKIE);
    expect(fs.statSync(harness.config.paths.stateFile).mode & 0o777).toBe(0o600);
    expect(harness.site.stats.signIns.oauth).toBe(1);
    expect((await harness.session.checkSession({ force: true })).valid).toBe(true);
  });

  it("init says what to do instead on a machine with no display", async () => {
    harness = await createStack({ signedIn: false, simulator: { variant: "producerai-2025" } });
    const display = process.env.DISPLAY;
    delete process.env.DISPLAY;
    try {
      await expect(initLoginState({ config: harness.config, timeoutMs: 1000 })).rejects.toMatchObject({
        code: "UNAVAILABLE",
        message: expect.stringContaining("producer session import"),
      });
    } finally {
      if (display !== undefined) process.env.DISPLAY = display;
    }
  });

  it("refuses input that is not a login state, with a clear error", () => {
    const config = { paths: { stateFile: "/nonexistent/x", dataDir: "/nonexistent" } } as never;
    expect(() => importLoginState({ config, source: "{ not json" })).toThrow(/not JSON/);
    expect(() => importLoginState({ config, source: { cookies: [{ name: "a" }] } })).toThrow(
      /needs a name, a value and a domain/,
    );
    expect(() => importLoginState({ config, source: { hello: 1 } })).toThrow(/neither a storage state/);
  });
});

describe("automatic re-login with configured credentials", () => {
  it("signs in once, saves the state and finishes the generation", async () => {
    harness = await createStack({
      simulator: { variant: "producerai-2025" },
      config: {
        session: { email: "producer@example.test", password: "correct horse battery" },
        browser: { pageCount: 2 },
      },
    });
    await harness.session.start();
    harness.site.expireSessions();
    const results = await Promise.all([
      harness.session.generate({ prompt: "first after expiry", format: "wav" }),
      harness.session.generate({ prompt: "second after expiry", format: "wav" }),
    ]);
    expect(results.map((songs) => songs.length)).toEqual([2, 2]);
    expect(harness.site.stats.signIns.password).toBe(1);
    expect(harness.session.signIn?.count).toBe(1);
    const saved = fs.readFileSync(harness.config.paths.stateFile, "utf8");
    expect(saved).not.toContain("correct horse battery");
  });

  it("stops at a refused password and never tries it again blindly", async () => {
    harness = await createStack({
      simulator: { variant: "producerai-2025" },
      config: { session: { email: "producer@example.test", password: "wrong password" } },
    });
    harness.site.expireSessions();
    await expect(harness.session.generate({ prompt: "x", format: "wav" })).rejects.toMatchObject({
      code: "LOGIN_FAILED",
      retryable: false,
    });
    await expect(harness.session.generate({ prompt: "y", format: "wav" })).rejects.toMatchObject({
      code: "LOGIN_FAILED",
    });
    expect(harness.site.stats.signIns.refused).toBe(1);
  });

  it("ends in CHALLENGE when a challenge appears during sign-in", async () => {
    harness = await createStack({
      simulator: { variant: "producerai-2025" },
      config: { session: { email: "producer@example.test", password: "correct horse battery" } },
    });
    harness.site.expireSessions();
    // the first /create is let through (it sends the expired session to sign-in); the one after sign-in is not
    harness.site.faults.set("challenge", { paths: ["/create"], skip: 1 });
    const error = await harness.session.generate({ prompt: "x", format: "wav" }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "CHALLENGE" });
    expect((error as Error).message).toContain("during sign-in");
    expect(harness.site.stats.signIns.password).toBe(1);
    expect(harness.site.stats.challenges).toBeGreaterThan(0);
  });
});

describe("login state files", () => {
  const teardown = createTeardown();
  afterEach(() => teardown.run());

  it("are written atomically with mode 0600 and read back", () => {
    const dir = teardown.tempDir("state-");
    const file = path.join(dir, "nested", "state.json");
    const state = normalizeLoginState([{ name: "sb-x-auth-token", value: "v", domain: ".producer.ai" }]);
    writeLoginState(file, state);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(readLoginState(file)).toEqual(state);
    expect(fs.readdirSync(path.dirname(file))).toEqual(["state.json"]);
    expect(readLoginState(path.join(dir, "absent.json"))).toBeUndefined();
  });

  it("tells one login by its session id: the same after a refresh, another after another sign-in", async () => {
    harness = await createStack({ signedIn: false });
    const first = harness.site.issueSession() as LoginState;
    const second = harness.site.issueSession() as LoginState;
    const asCookie = (session: unknown): LoginState => ({
      cookies: [
        {
          name: "sb-sb-auth-token",
          value: `base64-${Buffer.from(JSON.stringify(session)).toString("base64url")}`,
          domain: "127.0.0.1",
          path: "/",
          expires: -1,
          httpOnly: false,
          secure: false,
          sameSite: "Lax",
        },
      ],
      origins: [],
    });
    const refreshToken = refreshTokenOf(first) as string;
    const refreshed = await fetch(new URL("/auth/v1/token?grant_type=refresh_token", harness.site.url), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refresh_token: refreshToken }),
    }).then((response) => response.json() as Promise<{ refresh_token: string }>);
    expect(refreshed.refresh_token).not.toBe(refreshToken);
    expect(sessionIdOf(first)).toMatch(/\S{8,}/);
    expect(sessionIdOf(asCookie(refreshed))).toBe(sessionIdOf(first));
    expect(sessionIdOf(second)).not.toBe(sessionIdOf(first));
    expect(sessionIdOf(normalizeLoginState([{ name: "sb-x-auth-token", value: "v", domain: "x" }]))).toBeUndefined();
  });

  it("normalizes cookie exports: session cookies, sameSite words, missing paths", () => {
    const state = normalizeLoginState([
      { name: "a", value: "1", domain: "x", session: true, sameSite: "no_restriction", secure: true },
      { name: "b", value: "2", domain: "x", expirationDate: 1893456000.5, sameSite: "strict", path: "/p" },
      { name: "c", value: "3", domain: "x", sameSite: null },
    ]);
    expect(
      state.cookies.map(({ name, expires, sameSite, path: cookiePath }) => [name, expires, sameSite, cookiePath]),
    ).toEqual([
      ["a", -1, "None", "/"],
      ["b", 1893456000, "Strict", "/p"],
      ["c", -1, "Lax", "/"],
    ]);
  });

  it("finds the Supabase auth cookie, split or whole, and its expiry", () => {
    const now = Date.UTC(2026, 0, 1) / 1000;
    const state = normalizeLoginState({
      cookies: [
        { name: "other", value: "x", domain: "d", expires: now - 10 },
        { name: "sb-abc-auth-token.0", value: "x", domain: "d", expires: now + 100 },
        { name: "sb-abc-auth-token.1", value: "y", domain: "d", expires: now + 200 },
      ],
    });
    expect(authCookieOf(state, now * 1000)).toEqual({
      name: "sb-abc-auth-token",
      domain: "d",
      source: "cookie",
      expiresAt: new Date((now + 200) * 1000).toISOString(),
      expired: false,
      refreshable: false,
    });
    expect(authCookieOf(state, (now + 500) * 1000)?.expired).toBe(true);
    expect(authCookieOf(normalizeLoginState([]), now)).toBeUndefined();
  });

  it("reads expires_at from a chunked base64- session cookie, for either host", () => {
    const now = Date.UTC(2026, 0, 1) / 1000;
    const json = JSON.stringify({ access_token: "t", expires_at: now + 3600, user: { pad: "p".repeat(5000) } });
    const value = `base64-${Buffer.from(json).toString("base64url")}`;
    for (const domain of [".flowmusic.app", "www.producer.ai"]) {
      const state = normalizeLoginState([
        { name: "sb-ref-auth-token.1", value: value.slice(3180), domain, expirationDate: now + 400 * 86400 },
        { name: "sb-ref-auth-token.0", value: value.slice(0, 3180), domain, expirationDate: now + 400 * 86400 },
      ]);
      expect(authCookieOf(state, now * 1000)).toEqual({
        name: "sb-ref-auth-token",
        domain,
        source: "expires_at",
        expiresAt: new Date((now + 3600) * 1000).toISOString(),
        expired: false,
        refreshable: false,
      });
      expect(authCookieOf(state, (now + 3601) * 1000)?.expired).toBe(true);
    }
  });

  it("tells an access token that the page renews (a refresh token in the session) from a login that ends", () => {
    const now = Date.UTC(2026, 0, 1) / 1000;
    const json = JSON.stringify({ access_token: "t", refresh_token: "r1", expires_at: now - 60 });
    const state = normalizeLoginState([
      {
        name: "sb-sb-auth-token.0",
        value: `base64-${Buffer.from(json).toString("base64url")}`,
        domain: ".flowmusic.app",
        expirationDate: now + 400 * 86400,
      },
    ]);
    expect(authCookieOf(state, now * 1000)).toMatchObject({
      name: "sb-sb-auth-token",
      expired: true,
      refreshable: true,
    });
  });
});
