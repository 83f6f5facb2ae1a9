import fs from "node:fs";
import path from "node:path";
import { strFromU8, unzipSync } from "fflate";
import type { ProducerError } from "@producer/utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { timed } from "@producer/test-utils";
import { artifactHoldsSecret, type FailureArtifacts } from "../src/index.js";
import { decodeSessionValue, readLoginState, type LoginState } from "../src/login-state.js";
import { createStack, type SessionStack } from "./stack.js";

/** Shorter than any credential here; what is shorter is not looked for. */
const MIN_CHARS = 8;

let harness: SessionStack;
let scratch: string;
beforeAll(async () => {
  // Access tokens that live 4 s: the page refreshes them (and rotates the refresh token) all through each job.
  harness = await createStack({ simulator: { accessTokenTtlSecs: 4 }, config: { browser: { trace: true } } });
  scratch = harness.teardown.tempDir("raw-trace-");
  await harness.session.start();
});
afterAll(() => harness?.close());

/** A file's contents to search: a zip's entries decompressed, anything else as it is. */
function contentsOf(file: string): Array<{ name: string; bytes: Buffer }> {
  const bytes = fs.readFileSync(file);
  if (bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    return Object.entries(unzipSync(bytes)).map(([name, entry]) => ({
      name: `${file}!${name}`,
      bytes: Buffer.from(entry),
    }));
  }
  return [{ name: file, bytes }];
}

/** Where any secret (as is or percent-encoded) occurs in these files. */
function hitsIn(files: string[], secrets: string[]): string[] {
  const hits: string[] = [];
  for (const file of files) {
    for (const { name, bytes } of contentsOf(file)) {
      for (const secret of secrets) {
        for (const form of new Set([secret, encodeURIComponent(secret)])) {
          for (let at = bytes.indexOf(form); at !== -1; at = bytes.indexOf(form, at + 1))
            hits.push(`${name}: ${secret.slice(0, 12)}…`);
        }
      }
    }
  }
  return hits;
}

/** The values of a login state, and the tokens inside its auth cookie, read here without the code under test. */
function valuesOfState(state: LoginState | undefined): string[] {
  if (!state) return [];
  const chunks = state.cookies
    .filter((cookie) => /^sb-.+-auth-token\.\d+$/.test(cookie.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  const joined = chunks.map((cookie) => cookie.value).join("");
  const session = decodeSessionValue(joined) as Record<string, string> | undefined;
  return [
    ...state.cookies.map((cookie) => cookie.value),
    joined,
    session?.access_token ?? "",
    session?.refresh_token ?? "",
    session?.provider_token ?? "",
  ];
}

/**
 * The credentials a raw trace holds, found by reading it as the trace viewer does: the Bearer and cookie values
 * of every request, the auth cookie each request carried joined and decoded, and the tokens in JSON bodies.
 */
function credentialsIn(rawTrace: string): string[] {
  const entries = unzipSync(fs.readFileSync(rawTrace));
  const found: string[] = [];
  for (const line of strFromU8(entries["trace.network"] as Uint8Array)
    .split("\n")
    .filter(Boolean)) {
    const snapshot = (JSON.parse(line) as { snapshot?: Record<string, any> }).snapshot;
    if (!snapshot) continue;
    const headers = [...snapshot.request.headers, ...snapshot.response.headers] as Array<{
      name: string;
      value: string;
    }>;
    for (const header of headers) {
      if (/^authorization$/i.test(header.name)) found.push(header.value.replace(/^Bearer /i, ""));
      // A Cookie header is pairs; each Set-Cookie line is one pair, then attributes (`Max-Age=…`) that are no secret.
      const pairs = /^cookie$/i.test(header.name)
        ? header.value.split(/;\s*/)
        : /^set-cookie$/i.test(header.name)
          ? header.value.split("\n").map((line) => line.split(";")[0] as string)
          : [];
      found.push(...pairs.map((pair) => pair.slice(pair.indexOf("=") + 1)));
    }
    const cookies = snapshot.request.cookies as Array<{ name: string; value: string }>;
    found.push(
      ...valuesOfState({
        cookies: cookies.map((cookie) => ({
          ...cookie,
          domain: "x",
          path: "/",
          expires: -1,
          httpOnly: false,
          secure: false,
          sameSite: "Lax",
        })),
        origins: [],
      }),
    );
    for (const file of [snapshot.request.postData?._file, snapshot.response.content?._file]) {
      const body = file ? entries[file] : undefined;
      if (!body) continue;
      try {
        const json = JSON.parse(strFromU8(body)) as Record<string, unknown>;
        for (const field of ["access_token", "refresh_token", "provider_token"])
          if (typeof json[field] === "string") found.push(json[field] as string);
      } catch {
        // not JSON
      }
    }
  }
  return found;
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? [full, ...filesUnder(full)] : [full];
  });
}

describe("the artifacts of a failed job", () => {
  it("hold none of the login's credentials, though the page used them all through the job and the trace recorded them", async () => {
    const { session, site, config } = harness;
    const issued = readLoginState(config.paths.stateFile);
    // Keeps a copy of the trace as Playwright wrote it, before the scrubber saw it.
    const rawTraces: string[] = [];
    const saveTrace = session.pool.saveTrace.bind(session.pool);
    session.pool.saveTrace = async (file) => {
      const saved = await saveTrace(file);
      if (saved) {
        const copy = path.join(scratch, `raw-${rawTraces.length}.zip`);
        fs.copyFileSync(file, copy);
        rawTraces.push(copy);
      }
      return saved;
    };

    // A job that works first: the trace chunk then spans it, and the tokens rotated during it.
    expect(await session.generate({ prompt: "a good one", format: "wav" })).toHaveLength(2);
    const between = readLoginState(config.paths.stateFile);
    site.faults.set("song-failed", { times: 1 });
    const { error } = await timed(() => session.generate({ prompt: "a failing one", format: "wav" }));
    expect(error).toMatchObject({ code: "GENERATION_FAILED" });
    const artifacts = (error as ProducerError).details.artifacts as FailureArtifacts;
    expect(artifacts.trace && artifacts.html && artifacts.screenshot).toBeTruthy();
    expect(rawTraces).toHaveLength(1);
    const rawTrace = rawTraces[0] as string;

    const after = readLoginState(config.paths.stateFile);
    const fromTrace = credentialsIn(rawTrace);
    const secrets = [
      ...new Set(
        [
          ...valuesOfState(issued),
          ...valuesOfState(between),
          ...valuesOfState(after),
          ...site.liveRefreshTokens(),
          ...fromTrace,
          ...(await session.loginSecrets()),
        ].filter((secret) => secret.length >= MIN_CHARS),
      ),
    ];

    // The test can fail: unscrubbed, the trace is full of them — Bearers, cookies, refresh grants and answers.
    const rawHits = hitsIn([rawTrace], secrets);
    expect(rawHits.length).toBeGreaterThan(20);
    expect(rawHits.some((hit) => hit.includes("trace.network"))).toBe(true);
    expect(rawHits.some((hit) => hit.includes("!resources/"))).toBe(true);
    expect(fromTrace.filter((secret) => secret.length >= MIN_CHARS).length).toBeGreaterThan(5);
    expect(await artifactHoldsSecret(rawTrace, secrets)).toBe(true);
    // The page refreshed its token while the job ran: the saved state is not the one the job started with.
    const refreshTokenOf = (state: LoginState | undefined) =>
      decodeSessionValue(valuesOfState(state)[state?.cookies.length ?? 0] ?? "")?.refresh_token;
    expect(refreshTokenOf(after)).toEqual(expect.any(String));
    expect(refreshTokenOf(after)).not.toBe(refreshTokenOf(issued));

    const named = [artifacts.trace, artifacts.html, artifacts.screenshot] as string[];
    const everything = filesUnder(config.paths.artifactsDir);
    expect(everything).toEqual(expect.arrayContaining(named));
    const files = everything.filter((file) => fs.statSync(file).isFile());
    expect(hitsIn(files, secrets)).toEqual([]);
    for (const file of files) expect(await artifactHoldsSecret(file, secrets)).toBe(false);
    expect(artifacts.url).not.toMatch(/token=(?!\[redacted\])/);

    for (const entry of everything) {
      expect(fs.statSync(entry).mode & 0o777, entry).toBe(fs.statSync(entry).isDirectory() ? 0o700 : 0o600);
    }

    // Still the trace the viewer opens: the same entries, every JSON line whole, the token calls still there.
    const trace = unzipSync(fs.readFileSync(artifacts.trace as string));
    const raw = unzipSync(fs.readFileSync(rawTrace));
    expect(Object.keys(trace)).toEqual(Object.keys(raw));
    expect(Object.keys(trace)).toEqual(expect.arrayContaining(["trace.trace", "trace.network", "trace.stacks"]));
    expect(Object.keys(trace).some((name) => name.startsWith("resources/"))).toBe(true);
    for (const name of ["trace.trace", "trace.network"]) {
      const lines = strFromU8(trace[name] as Uint8Array)
        .split("\n")
        .filter(Boolean);
      expect(lines.length).toBeGreaterThan(10);
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    }
    const network = strFromU8(trace["trace.network"] as Uint8Array);
    expect(network).toContain("/auth/v1/token?grant_type=refresh_token");
    expect(network).toContain('"name":"authorization","value":"[redacted]"');
    expect(network).toContain("/__api/producer/tool-call");

    const html = fs.readFileSync(artifacts.html as string, "utf8");
    expect(html).toMatch(/^<!DOCTYPE html>|^<html/i);
    expect(html).toContain("Sound description");
    expect(fs.statSync(artifacts.screenshot as string).size).toBeGreaterThan(1000);

    // What the daemon asks before it serves a file: the session's secrets now include its live cookies.
    const live = await session.loginSecrets();
    expect(live).toEqual(expect.arrayContaining(valuesOfState(after).filter((secret) => secret.length >= MIN_CHARS)));
  }, 180_000);
});
