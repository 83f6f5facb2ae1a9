import { ConfigError } from "@producer/config";
import { describe, expect, it } from "vitest";
import {
  BrowserCrashedError,
  ChallengeError,
  errorFromJSON,
  InvalidInputError,
  ProducerError,
  QueueFullError,
  SessionExpiredError,
  StorageError,
  TimeoutError,
  toProducerError,
  type ProducerErrorCode,
} from "./errors.js";

describe("ProducerError", () => {
  it("carries a stable code, retryable flag, details and cause", () => {
    const cause = new Error("socket hang up");
    const error = new TimeoutError("reply never came", { cause, details: { step: "reply" } });
    expect(error).toBeInstanceOf(ProducerError);
    expect(error.name).toBe("TimeoutError");
    expect(error.code).toBe("TIMEOUT");
    expect(error.retryable).toBe(true);
    expect(error.cause).toBe(cause);
    expect(error.toJSON()).toEqual({
      code: "TIMEOUT",
      message: "reply never came",
      retryable: true,
      details: { step: "reply" },
    });
  });

  it("recognises instances across copies of the package by a shared marker", () => {
    const foreign = Object.assign(new Error("from another copy"), {
      [Symbol.for("producer.error")]: true,
      code: "SESSION_EXPIRED",
      retryable: false,
    });
    expect(foreign instanceof ProducerError).toBe(false);
    expect(ProducerError.isInstance(foreign)).toBe(true);
    expect(SessionExpiredError.isInstance(foreign)).toBe(true);
    expect(ChallengeError.isInstance(foreign)).toBe(false);
    expect(ProducerError.isInstance(new Error("plain"))).toBe(false);
    expect(ProducerError.isInstance({ code: "TIMEOUT" })).toBe(false);
    expect(ProducerError.isInstance(null)).toBe(false);
  });

  it("recognises the config package's error", () => {
    const error = new ConfigError("bad");
    expect(ProducerError.isInstance(error)).toBe(true);
    const converted = toProducerError(error);
    expect(converted).toBeInstanceOf(ProducerError);
    expect(converted.code).toBe("INVALID_CONFIG");
  });

  it("lets a caller override retryable where the cause decides", () => {
    expect(new StorageError("no bucket", { retryable: false }).retryable).toBe(false);
    expect(new StorageError("503").retryable).toBe(true);
    expect(new BrowserCrashedError("gone").retryable).toBe(true);
    expect(new SessionExpiredError("login wall").retryable).toBe(false);
  });

  it("round-trips every code through JSON to the same class", () => {
    const codes: ProducerErrorCode[] = [
      "INVALID_INPUT",
      "DISABLED",
      "UNAUTHORIZED",
      "FORBIDDEN",
      "RATE_LIMITED",
      "SESSION_EXPIRED",
      "SESSION_REVOKED",
      "LOGIN_FAILED",
      "CHALLENGE",
      "QUOTA_EXHAUSTED",
      "UPLOAD_REFUSED",
      "SITE_CHANGED",
      "GENERATION_FAILED",
      "DOWNLOAD_FAILED",
      "AUDIO_INVALID",
      "TIMEOUT",
      "BROWSER_CRASHED",
      "STORAGE_FAILED",
      "NOT_FOUND",
      "CONFLICT",
      "QUEUE_FULL",
      "CANCELLED",
      "UNAVAILABLE",
      "INTERNAL",
    ];
    for (const code of codes) {
      const rebuilt = errorFromJSON({ code, message: `m-${code}`, retryable: true, details: { a: 1 } });
      expect(rebuilt.code).toBe(code);
      expect(rebuilt.name).not.toBe("ProducerError");
      expect(rebuilt.message).toBe(`m-${code}`);
      expect(rebuilt.retryable).toBe(true);
      expect(rebuilt.details.a).toBe(1);
    }
    const full = errorFromJSON(new QueueFullError("full", 1500).toJSON()) as QueueFullError;
    expect(full).toBeInstanceOf(QueueFullError);
    expect(full.retryAfterMs).toBe(1500);
    const invalid = errorFromJSON(
      new InvalidInputError("bad prompt", [{ path: "prompt", message: "is empty" }]).toJSON(),
    ) as InvalidInputError;
    expect(invalid.fields).toEqual([{ path: "prompt", message: "is empty" }]);
    expect(errorFromJSON({ code: "SOMETHING_NEW", message: "x", retryable: false }).code).toBe("SOMETHING_NEW");
  });

  it("turns anything thrown into a producer error", () => {
    expect(toProducerError(new Error("boom")).code).toBe("INTERNAL");
    expect(toProducerError("text").message).toBe("text");
    const abort = new DOMException("stop", "AbortError");
    expect(toProducerError(abort).code).toBe("CANCELLED");
    const own = new ChallengeError("captcha");
    expect(toProducerError(own)).toBe(own);
  });
});
