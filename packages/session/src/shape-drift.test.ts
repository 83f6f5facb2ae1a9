import { silentLogger, type Logger } from "@producer/utils";
import { describe, expect, it } from "vitest";
import { ANSWERS_LOOKED_AT, driftSince, ShapeDriftRecorder, sumDrift } from "./shape-drift.js";
import type { Site } from "./site.js";

/** A logger that keeps its warnings. */
function warnings(): { logger: Logger; lines: Array<{ fields: Record<string, unknown>; message: string }> } {
  const lines: Array<{ fields: Record<string, unknown>; message: string }> = [];
  const logger: Logger = {
    ...silentLogger,
    warn: ((fields: Record<string, unknown>, message: string) =>
      void lines.push({ fields, message })) as Logger["warn"],
    child: () => logger,
  };
  return { logger, lines };
}

const site = {
  api: { credits: "/__api/billing/credits" },
  answers: {
    api: { credits: { "data!": { "credits_remaining!": true, tokens_remaining: true } } },
    toolReturns: { audio__create_song: { status: true, "clip_id!": true, estimated_time: true } },
  },
} as unknown as Site;

describe("the shape drift of a driver's answers", () => {
  it("counts each endpoint's field in every answer, logs it once by name and never its value", () => {
    const { logger, lines } = warnings();
    const drift = new ShapeDriftRecorder(site, logger);
    for (let answer = 0; answer < 3; answer += 1)
      drift.api("credits", 200, { data: { credits_remaining: 5, secret_plan: "private-value" } });
    expect(drift.entries()).toEqual([
      { endpoint: "api.credits", field: "data.tokens_remaining", kind: "missing", seen: 3, needed: false },
      { endpoint: "api.credits", field: "data.secret_plan", kind: "unknown", seen: 3, needed: false },
    ]);
    expect(lines.map((line) => line.fields)).toEqual([
      { endpoint: "api.credits", field: "data.tokens_remaining", kind: "missing" },
      { endpoint: "api.credits", field: "data.secret_plan", kind: "unknown" },
    ]);
    expect(JSON.stringify(lines)).not.toContain("private-value");
  });

  it("reads a tool-return's content from a JSON string, and marks a needed field missing", () => {
    const drift = new ShapeDriftRecorder(site, silentLogger);
    drift.toolReturn({
      part_kind: "tool-return",
      tool_name: "audio__create_song",
      content: JSON.stringify({ status: "pending", estimated_time: 3 }),
    });
    drift.toolReturn({ part_kind: "tool-return", tool_name: "unknown__tool", content: { anything: 1 } });
    expect(drift.entries()).toEqual([
      { endpoint: "toolReturn.audio__create_song", field: "clip_id", kind: "missing", seen: 1, needed: true },
    ]);
  });

  it("checks only successful answers, only endpoints with a shape, and only the first answers of each", () => {
    const drift = new ShapeDriftRecorder(site, silentLogger);
    drift.api("credits", 402, { detail: "Not enough credits" });
    drift.api("clips", 200, { whatever: true });
    expect(drift.entries()).toEqual([]);
    for (let answer = 0; answer < ANSWERS_LOOKED_AT + 10; answer += 1)
      drift.api("credits", 200, { data: { credits_remaining: 1, tokens_remaining: 0 }, extra: 1 });
    expect(drift.entries()[0]?.seen).toBe(ANSWERS_LOOKED_AT);
  });

  it("checks nothing for a profile without shapes", () => {
    const drift = new ShapeDriftRecorder({ api: {} } as unknown as Site, silentLogger);
    drift.api("credits", 200, { anything: true });
    drift.toolReturn({ tool_name: "audio__create_song", content: {} });
    expect(drift.entries()).toEqual([]);
  });

  it("sums accounts' drift and tells what one piece of work added", () => {
    const entry = { endpoint: "api.clips", field: "clips.*.mood", kind: "unknown" as const, needed: false };
    expect(sumDrift([[{ ...entry, seen: 2 }], [{ ...entry, seen: 3 }]])).toEqual([{ ...entry, seen: 5 }]);
    expect(driftSince([{ ...entry, seen: 2 }], [{ ...entry, seen: 5 }])).toEqual([{ ...entry, seen: 3 }]);
    expect(driftSince([{ ...entry, seen: 2 }], [{ ...entry, seen: 2 }])).toEqual([]);
  });
});
