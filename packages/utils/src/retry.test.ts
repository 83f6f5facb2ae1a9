import { describe, expect, it, vi } from "vitest";
import { CancelledError, InvalidInputError, QueueFullError, TimeoutError } from "./errors.js";
import { backoffDelay, retry, sleep } from "./retry.js";

describe("backoffDelay", () => {
  it("draws from [0, min(max, base·2^(n-1))) — full jitter", () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(1, { ...options, random: () => 0.999 })).toBe(99);
    expect(backoffDelay(3, { ...options, random: () => 0.5 })).toBe(200);
    expect(backoffDelay(10, { ...options, random: () => 0.999 })).toBe(999);
    expect(backoffDelay(4, { ...options, random: () => 0 })).toBe(0);
  });
});

describe("retry", () => {
  it("retries retryable errors until success", async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await retry(
      async (attempt) => {
        calls += 1;
        if (attempt < 3) throw new TimeoutError(`try ${attempt}`);
        return "ok";
      },
      { maxAttempts: 5, baseDelayMs: 4, onRetry: (_error, _attempt, delay) => delays.push(delay), random: () => 0.5 },
    );
    expect(result).toBe("ok");
    expect(calls).toBe(3);
    expect(delays).toEqual([2, 4]);
  });

  it("stops at once on an error that is not retryable, and on foreign errors", async () => {
    const operation = vi.fn(async () => {
      throw new InvalidInputError("bad");
    });
    await expect(retry(operation, { maxAttempts: 5, baseDelayMs: 1 })).rejects.toThrow("bad");
    expect(operation).toHaveBeenCalledTimes(1);
    const foreign = vi.fn(async () => {
      throw new TypeError("bug");
    });
    await expect(retry(foreign, { maxAttempts: 5, baseDelayMs: 1 })).rejects.toThrow(TypeError);
    expect(foreign).toHaveBeenCalledTimes(1);
  });

  it("gives up after maxAttempts with the last error", async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls += 1;
          throw new TimeoutError(`attempt ${calls}`);
        },
        { maxAttempts: 3, baseDelayMs: 1 },
      ),
    ).rejects.toThrow("attempt 3");
    expect(calls).toBe(3);
  });

  it("honours a retry-after hint as the least wait", async () => {
    const delays: number[] = [];
    let calls = 0;
    await retry(
      async () => {
        calls += 1;
        if (calls === 1) throw new QueueFullError("full", 30);
        return calls;
      },
      { baseDelayMs: 1, onRetry: (_error, _attempt, delay) => delays.push(delay) },
    );
    expect(delays).toEqual([30]);
  });

  it("stops waiting as soon as the signal aborts", async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = retry(
      async () => {
        throw new TimeoutError("slow");
      },
      { maxAttempts: 10, baseDelayMs: 60_000, random: () => 0.99, signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("passes a producer error given as the abort reason through", async () => {
    const reason = new TimeoutError("deadline");
    await expect(sleep(10_000, AbortSignal.abort(reason))).rejects.toBe(reason);
  });
});
