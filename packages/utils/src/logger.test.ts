import { describe, expect, it } from "vitest";
import { REDACTED, redactingLogger, redactSecrets, redactText, silentLogger, type Logger } from "./logger.js";

function recordingLogger(records: unknown[][], bindings: Record<string, unknown> = {}): Logger {
  const log =
    (level: string) =>
    (...args: unknown[]) =>
      records.push([level, bindings, ...args]);
  return {
    trace: log("trace"),
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    fatal: log("fatal"),
    child: (more) => recordingLogger(records, { ...bindings, ...more }),
  };
}

describe("redaction", () => {
  it("masks secret-named keys at any depth", () => {
    const input = {
      user: "u1",
      password: "hunter2",
      nested: { authorization: "Bearer abc", list: [{ secretAccessKey: "wJalrXUtnFEMI" }] },
      headers: { cookie: "sb-abc-auth-token=xyz" },
      storageState: { cookies: [] },
    };
    const output = redactSecrets(input);
    expect(output).toEqual({
      user: "u1",
      password: REDACTED,
      nested: { authorization: REDACTED, list: [{ secretAccessKey: REDACTED }] },
      headers: { cookie: REDACTED },
      storageState: REDACTED,
    });
    expect(input.password).toBe("hunter2");
  });

  it("masks AWS keys, bearer tokens and auth cookies inside text", () => {
    const text =
      "key AKIAIOSFODNN7EXAMPLE header Authorization: Bearer eyJhbGciOi.payload.sig cookie sb-xyz-auth-token.0=base64-abc; Path=/ password=pw123";
    const masked = redactText(text);
    expect(masked).not.toMatch(/AKIAIOSFODNN7EXAMPLE|eyJhbGciOi|base64-abc|pw123/);
    expect(masked).toContain("Bearer [redacted]");
    expect(masked).toContain("sb-xyz-auth-token.0=[redacted]");
  });

  it("handles cycles and errors", () => {
    const cyclic: Record<string, unknown> = { token: "t" };
    cyclic.self = cyclic;
    const output = redactSecrets(cyclic) as Record<string, unknown>;
    expect(output.token).toBe(REDACTED);
    expect(output.self).toBe(output);
    const error = Object.assign(new Error("login with password=letmein failed"), { cookie: "c" });
    const copy = redactSecrets(error) as unknown as Record<string, unknown>;
    expect(copy.message).toBe("login with password=[redacted] failed");
    expect(copy.cookie).toBe(REDACTED);
  });
});

describe("redactingLogger", () => {
  it("redacts what reaches the wrapped logger, through children too", () => {
    const records: unknown[][] = [];
    const logger = redactingLogger(recordingLogger(records)).child({ component: "session", token: "t0k3n" });
    logger.info({ email: "a@b.c", password: "pw" }, "signed in with Bearer abc.def");
    logger.warn("AKIAIOSFODNN7EXAMPLE leaked?");
    expect(records).toEqual([
      [
        "info",
        { component: "session", token: REDACTED },
        { email: "a@b.c", password: REDACTED },
        "signed in with Bearer [redacted]",
      ],
      ["warn", { component: "session", token: REDACTED }, "[redacted] leaked?"],
    ]);
  });

  it("is silent by default", () => {
    expect(() => silentLogger.child({ a: 1 }).error({ any: "thing" }, "message")).not.toThrow();
  });
});
