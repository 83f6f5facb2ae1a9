import { silentLogger, type Logger } from "@producer/utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserSession } from "../src/index.js";
import { createStack, type SessionStack } from "./stack.js";

/** The warnings a session logs (every child logger included). */
const warned: Array<Record<string, unknown>> = [];
const logger: Logger = {
  ...silentLogger,
  warn: ((fields: Record<string, unknown>) => void warned.push(fields)) as Logger["warn"],
  child: () => logger,
};
const driftWarnings = () => warned.filter((fields) => typeof fields.endpoint === "string");

let harness: SessionStack;
let session: BrowserSession;
beforeAll(async () => {
  harness = await createStack();
  harness.site.settings.generationMs = 0;
  // A session of its own (on a configuration of its own: drift is recorded per site), to hear what it logs; the
  // stack's own is never started.
  session = new BrowserSession({ config: harness.configWith(), logger });
  await session.start();
});
afterAll(async () => {
  await session?.close();
  await harness?.close();
});

describe("the site's answers checked against the profile's shapes", () => {
  it("finds no drift in a generation on the facts-shaped site", async () => {
    const songs = await session.generate({ prompt: "shaped as the facts say", format: "wav" });
    expect(songs).toHaveLength(2);
    // Every kind of answer a generation reads was looked at: the page's own calls, the in-page ones, the stream.
    expect(Object.keys(session.shapeDrift.checked())).toEqual(
      expect.arrayContaining([
        "api.credits",
        "api.compose",
        "api.clips",
        "api.status",
        "toolReturn.audio__create_song",
      ]),
    );
    expect(session.shapeDrift.entries()).toEqual([]);
    expect(driftWarnings()).toEqual([]);
  }, 90_000);

  it("finds no drift in the song operations' answers either (stems, an edit, an effect)", async () => {
    const [source] = await session.generate({ prompt: "a source", title: "Source", format: "wav", durationSecs: 60 });
    const from = { clipId: source?.clipId as string, title: source?.title as string };
    await session.operate({ source: from, operation: { kind: "stems" }, format: "wav" });
    await session.operate({ source: from, operation: { kind: "extend", seconds: 10 }, format: "wav" });
    await session.operate({ source: from, operation: { kind: "trim", startSecs: 0, endSecs: 2 }, format: "wav" });
    expect(Object.keys(session.shapeDrift.checked())).toEqual(
      expect.arrayContaining([
        "api.recipes",
        "toolReturn.audio__split_stems",
        "toolReturn.audio__render_edit",
        "toolReturn.audio__apply_effect",
      ]),
    );
    expect(session.shapeDrift.entries()).toEqual([]);
  }, 180_000);

  it("counts a drifted tool-return by endpoint and field, logs each field once, and the job still succeeds", async () => {
    harness.site.faults.set("answer-drift", { paths: ["/__api/messages/"] });
    for (const take of [1, 2]) {
      const songs = await session.generate({ prompt: `a drifted answer ${take}`, format: "wav" });
      expect(songs).toHaveLength(2);
    }
    harness.site.faults.clear();
    const endpoint = "toolReturn.audio__create_song";
    expect(session.shapeDrift.entries()).toEqual([
      { endpoint, field: "estimated_time", kind: "missing", seen: 2, needed: false },
      { endpoint, field: "drift_field", kind: "unknown", seen: 2, needed: false },
    ]);
    expect(driftWarnings()).toEqual([
      { endpoint, field: "estimated_time", kind: "missing" },
      { endpoint, field: "drift_field", kind: "unknown" },
    ]);
    expect(JSON.stringify(warned)).not.toContain("added by the answer-drift fault");
  }, 120_000);
});
