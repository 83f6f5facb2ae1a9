import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { authCookieOf, normalizeLoginState, readLoginState, writeLoginState } from "./login-state.js";

describe("login state files", () => {
  it("are written atomically with mode 0600 and read back", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "state-"));
    const file = path.join(dir, "nested", "state.json");
    const state = normalizeLoginState([{ name: "sb-x-auth-token", value: "v", domain: ".producer.ai" }]);
    writeLoginState(file, state);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(readLoginState(file)).toEqual(state);
    expect(fs.readdirSync(path.dirname(file))).toEqual(["state.json"]);
    expect(readLoginState(path.join(dir, "absent.json"))).toBeUndefined();
    fs.rmSync(dir, { recursive: true });
  });

  it("normalizes cookie exports: session cookies, sameSite words, missing paths", () => {
    const state = normalizeLoginState([
      { name: "a", value: "1", domain: "x", session: true, sameSite: "no_restriction", secure: true },
      { name: "b", value: "2", domain: "x", expirationDate: 1893456000.5, sameSite: "strict", path: "/p" },
      { name: "c", value: "3", domain: "x", sameSite: null },
    ]);
    expect(state.cookies.map(({ name, expires, sameSite, path: cookiePath }) => [name, expires, sameSite, cookiePath])).toEqual([
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
      { name: "sb-sb-auth-token.0", value: `base64-${Buffer.from(json).toString("base64url")}`, domain: ".flowmusic.app", expirationDate: now + 400 * 86400 },
    ]);
    expect(authCookieOf(state, now * 1000)).toMatchObject({ name: "sb-sb-auth-token", expired: true, refreshable: true });
  });
});
