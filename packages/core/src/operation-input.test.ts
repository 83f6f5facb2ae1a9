import { describe, expect, it } from "vitest";
import { InvalidInputError } from "@producer/utils";
import { assertInsideSong, parseOperateInput } from "./operation-input.js";
import { operationInput } from "./operation-helpers.js";

const parse = (input: unknown) =>
  parseOperateInput(input, { format: "wav", formats: ["mp3", "wav", "m4a"], accounts: ["main", "spare"] });

/** The field paths an invalid request names. */
function fieldsOf(input: unknown): string[] {
  try {
    parse(input);
  } catch (error) {
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect((error as InvalidInputError).code).toBe("INVALID_INPUT");
    return (error as InvalidInputError).fields.map((field) => field.path);
  }
  throw new Error("the input was accepted");
}

describe("parseOperateInput", () => {
  it("accepts each operation with its source, applying the defaults", () => {
    expect(
      parse({ operation: { kind: "extend", seconds: 30, prompt: " a bridge " }, source: { trackId: "t1" } }),
    ).toEqual({
      operation: { kind: "extend", seconds: 30, prompt: "a bridge" },
      source: { trackId: "t1" },
      job: { instrumental: false, format: "wav", priority: 0 },
      useQueue: true,
    });
    expect(
      parse({
        operation: {
          kind: "replace",
          regions: [
            { startSecs: 30, endSecs: 45 },
            { startSecs: 0, endSecs: 10 },
          ],
          prompt: "x",
        },
        source: { clipId: "clip-1" },
        account: "spare",
        format: "MP3",
        idempotencyKey: "k",
        useQueue: false,
      }),
    ).toMatchObject({ source: { clipId: "clip-1" }, job: { account: "spare", format: "mp3" }, useQueue: false });
    expect(
      parse({ operation: { kind: "cover", prompt: "jazz", strength: 0.5 }, source: { clipId: "c" } }),
    ).toMatchObject({
      operation: { kind: "cover", strength: 0.5 },
    });
    expect(parse({ operation: { kind: "stems" }, source: { clipId: "c" } }).operation).toEqual({ kind: "stems" });
    expect(
      parse({ operation: { kind: "trim", startSecs: 5, endSecs: 20 }, source: { clipId: "c" } }).operation,
    ).toEqual({
      kind: "trim",
      startSecs: 5,
      endSecs: 20,
    });
    expect(
      parse({ operation: { kind: "speed", factor: 0.9, semitones: -2 }, source: { clipId: "c" } }).operation,
    ).toEqual({
      kind: "speed",
      factor: 0.9,
      semitones: -2,
    });
    // A convert downloads in the format it converts to.
    expect(parse({ operation: { kind: "convert", format: "m4a" }, source: { clipId: "c" } }).job.format).toBe("m4a");
  });

  const bad: Array<[string, unknown, string[]]> = [
    ["not an object", "extend", [""]],
    ["no operation or source", {}, ["operation", "source"]],
    ["an unknown kind", { operation: { kind: "remix" }, source: { clipId: "c" } }, ["operation.kind"]],
    ["an unknown field", { operation: { kind: "stems" }, source: { clipId: "c" }, prompt: "x" }, ["prompt"]],
    ["both a track and a clip", { operation: { kind: "stems" }, source: { clipId: "c", trackId: "t" } }, ["source"]],
    ["neither a track nor a clip", { operation: { kind: "stems" }, source: {} }, ["source"]],
    ["an extend of 0 s", { operation: { kind: "extend", seconds: 0 }, source: { clipId: "c" } }, ["operation.seconds"]],
    [
      "an extend of 241 s",
      { operation: { kind: "extend", seconds: 241 }, source: { clipId: "c" } },
      ["operation.seconds"],
    ],
    ["an extend without seconds", { operation: { kind: "extend" }, source: { clipId: "c" } }, ["operation.seconds"]],
    [
      "a replace without regions",
      { operation: { kind: "replace", regions: [], prompt: "x" }, source: { clipId: "c" } },
      ["operation.regions"],
    ],
    [
      "a region that ends before it starts",
      {
        operation: { kind: "replace", regions: [{ startSecs: 40, endSecs: 30 }], prompt: "x" },
        source: { clipId: "c" },
      },
      ["operation.regions.0.endSecs"],
    ],
    [
      "overlapping regions",
      {
        operation: {
          kind: "replace",
          regions: [
            { startSecs: 30, endSecs: 45 },
            { startSecs: 40, endSecs: 50 },
          ],
          prompt: "x",
        },
        source: { clipId: "c" },
      },
      ["operation.regions.1"],
    ],
    [
      "a replace without a prompt",
      { operation: { kind: "replace", regions: [{ startSecs: 1, endSecs: 2 }] }, source: { clipId: "c" } },
      ["operation.prompt"],
    ],
    [
      "a cover of strength 2",
      { operation: { kind: "cover", prompt: "x", strength: 2 }, source: { clipId: "c" } },
      ["operation.strength"],
    ],
    ["a speed of 3", { operation: { kind: "speed", factor: 3 }, source: { clipId: "c" } }, ["operation.factor"]],
    [
      "a shift of 13 semitones",
      { operation: { kind: "speed", factor: 1, semitones: 13 }, source: { clipId: "c" } },
      ["operation.semitones"],
    ],
    [
      "a trim that ends at its start",
      { operation: { kind: "trim", startSecs: 5, endSecs: 5 }, source: { clipId: "c" } },
      ["operation.endSecs"],
    ],
    [
      "a convert to an unknown format",
      { operation: { kind: "convert", format: "ogg" }, source: { clipId: "c" } },
      ["operation.format"],
    ],
    [
      "a convert to a format the profile lacks",
      { operation: { kind: "convert", format: "flac" }, source: { clipId: "c" } },
      ["operation.format"],
    ],
    [
      "a convert whose download format differs",
      { operation: { kind: "convert", format: "wav" }, source: { clipId: "c" }, format: "mp3" },
      ["format"],
    ],
  ];
  it.each(bad)("refuses %s, naming the field", (_name, input, paths) => {
    expect(fieldsOf(input)).toEqual(paths);
  });

  it("refuses an account the daemon does not run", () => {
    expect(() => parse({ operation: { kind: "stems" }, source: { clipId: "c" }, account: "other" })).toThrow(
      /no account "other"/,
    );
  });

  it("refuses positions past the end of a known song", () => {
    expect(() => assertInsideSong({ kind: "trim", startSecs: 0, endSecs: 100 }, 60)).toThrow(
      /inside the song \(it is 60 s long\)/,
    );
    expect(() => assertInsideSong({ kind: "extend", seconds: 10, fromSecs: 61 }, 60)).toThrow(InvalidInputError);
    expect(() =>
      assertInsideSong({ kind: "replace", regions: [{ startSecs: 50, endSecs: 70 }], prompt: "x" }, 60),
    ).toThrow(/operation.regions.0.endSecs/);
    expect(() => assertInsideSong({ kind: "extend", seconds: 10, fromSecs: 60 }, 60)).not.toThrow();
  });
});

describe("operationInput", () => {
  it("splits a helper's flat input into the operation, its source and the job's options", () => {
    expect(
      operationInput("extend", {
        trackId: "t",
        seconds: 30,
        fromSecs: 10,
        title: "Longer",
        useQueue: false,
        format: "mp3",
      }),
    ).toEqual({
      operation: { kind: "extend", seconds: 30, fromSecs: 10 },
      source: { trackId: "t" },
      title: "Longer",
      useQueue: false,
      format: "mp3",
    });
    expect(operationInput("convert", { clipId: "c", format: "wav" })).toEqual({
      operation: { kind: "convert", format: "wav" },
      source: { clipId: "c" },
    });
  });
});
