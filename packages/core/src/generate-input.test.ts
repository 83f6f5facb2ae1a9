import { describe, expect, it } from "vitest";
import { InvalidInputError } from "@producer/utils";
import { LIMITS, parseGenerateInput } from "./generate-input.js";

const parse = (input: unknown) => parseGenerateInput(input, { format: "wav" });

describe("parseGenerateInput", () => {
  it("applies defaults and trims", () => {
    expect(
      parse({
        prompt: "  Create a happy pop song ",
        title: "My New Song",
        projectId: "project_123",
        userId: "user_456",
      }),
    ).toEqual({
      job: {
        prompt: "Create a happy pop song",
        title: "My New Song",
        projectId: "project_123",
        userId: "user_456",
        instrumental: false,
        format: "wav",
        priority: 0,
      },
      useQueue: true,
    });
    expect(parse({ prompt: "x", format: "MP3", useQueue: false, priority: -3 })).toMatchObject({
      job: { format: "mp3", priority: -3 },
      useQueue: false,
    });
  });

  const bad: Array<[string, unknown, string]> = [
    ["not an object", "a prompt", ""],
    ["an array", [{ prompt: "x" }], ""],
    ["no prompt", {}, "prompt"],
    ["an empty prompt", { prompt: "   " }, "prompt"],
    ["a numeric prompt", { prompt: 42 }, "prompt"],
    ["a huge prompt", { prompt: "x".repeat(LIMITS.promptChars + 1) }, "prompt"],
    ["a control character", { prompt: "a\u0000b" }, "prompt"],
    ["an unknown format", { prompt: "x", format: "flac" }, "format"],
    ["a fractional priority", { prompt: "x", priority: 0.5 }, "priority"],
    ["a priority out of range", { prompt: "x", priority: 1000 }, "priority"],
    ["a string useQueue", { prompt: "x", useQueue: "yes" }, "useQueue"],
    ["traversal in a user id", { prompt: "x", userId: "../admin" }, "userId"],
    ["a slash in a project id", { prompt: "x", projectId: "a/b" }, "projectId"],
    ["a blank title", { prompt: "x", title: "  " }, "title"],
    ["a long title", { prompt: "x", title: "t".repeat(LIMITS.titleChars + 1) }, "title"],
    ["a webhook that is not http", { prompt: "x", webhookUrl: "file:///etc/passwd" }, "webhookUrl"],
    ["an unknown field", { prompt: "x", promtp: "typo" }, "promtp"],
    ["a tempo out of range", { prompt: "x", bpm: 900 }, "bpm"],
    ["a fractional length", { prompt: "x", durationSecs: 61.5 }, "durationSecs"],
    ["a negative seed", { prompt: "x", seed: -1 }, "seed"],
    ["an unknown mode", { prompt: "x", mode: "karaoke" }, "mode"],
    ["stems as text", { prompt: "x", stems: "yes" }, "stems"],
  ];
  for (const [what, input, field] of bad) {
    it(`refuses ${what}, naming ${field || "the request"}`, () => {
      try {
        parse(input);
        expect.unreachable();
      } catch (error) {
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect((error as InvalidInputError).fields.map((entry) => entry.path)).toContain(field);
      }
    });
  }

  it("keeps every control of the site, and refuses one the site profile lacks", () => {
    const { job } = parse({
      prompt: "x",
      mode: "chat",
      model: "lyria-3-pro",
      bpm: 120,
      durationSecs: 95,
      seed: 7,
      stems: true,
    });
    expect(job).toMatchObject({ mode: "chat", model: "lyria-3-pro", bpm: 120, durationSecs: 95, seed: 7, stems: true });
    const site = {
      profile: "producerai-2025",
      controls: ["lyrics", "instrumental", "title"] as const,
      modes: ["chat"] as const,
      models: [],
      formats: ["wav", "mp3", "m4a"] as const,
    };
    try {
      parseGenerateInput({ prompt: "x", bpm: 120, mode: "compose" }, { format: "wav", site: site as never });
      expect.unreachable();
    } catch (error) {
      expect((error as InvalidInputError).fields).toEqual([
        { path: "bpm", message: "is not a control of this site profile" },
        { path: "mode", message: "must be one of chat on this site profile" },
      ]);
    }
  });

  it("keeps a reference clip on the job; a profile without the control, a seed or compose with it are refused", () => {
    expect(parse({ prompt: "x", referenceClipId: "clip-1" }).job.referenceClipId).toBe("clip-1");
    const site = (controls: string[]) =>
      ({ profile: "p", controls, modes: ["compose", "chat"], models: [], formats: ["wav"] }) as never;
    const fieldsOf = (input: object, controls: string[]) => {
      try {
        parseGenerateInput(
          { prompt: "x", referenceClipId: "clip-1", ...input },
          { format: "wav", site: site(controls) },
        );
        return [];
      } catch (error) {
        return (error as InvalidInputError).fields.map((field) => field.path);
      }
    };
    expect(fieldsOf({}, ["seed", "mode"])).toEqual(["referenceClipId"]);
    expect(fieldsOf({}, ["reference"])).toEqual([]);
    expect(fieldsOf({ seed: 3, mode: "compose" }, ["reference", "seed", "mode"])).toEqual(["seed", "mode"]);
    expect(fieldsOf({ mode: "chat" }, ["reference", "mode"])).toEqual([]);
    expect(fieldsOf({ referenceClipId: "../x" }, ["reference"])).toEqual(["referenceClipId"]);
  });

  it("accepts odd but valid Unicode", () => {
    expect(parse({ prompt: "曲を作って 🎵 — café", title: "Ünïcödé" }).job.title).toBe("Ünïcödé");
  });
});
