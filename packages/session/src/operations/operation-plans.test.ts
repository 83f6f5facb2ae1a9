import { loadConfig } from "@producer/config";
import { makeTempDir, removeDir } from "@producer/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import { BrowserSession } from "../browser-session.js";
import { coverPlan } from "./cover.js";
import { extendPlan } from "./extend.js";
import { assertOperationSupported } from "./operation-flow.js";
import type { PlanInput } from "./operation-plan.js";
import { replacePlan } from "./replace.js";
import { speedPlan } from "./speed.js";
import { stemsPlan } from "./stems.js";
import { trimPlan } from "./trim.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDir(dir);
});

function configFor(profile: string) {
  const dataDir = makeTempDir("session-operations-");
  dirs.push(dataDir);
  return loadConfig({ env: {}, configFile: false, overrides: { paths: { dataDir }, site: { profile } } }).config;
}

const input = (): PlanInput => ({
  nodes: configFor("flow-2026").site.toolCalls?.nodes as PlanInput["nodes"],
  clipId: "clip-1",
  title: "Song (extend)",
});

describe("what each operation sends, from the flow-2026 profile", () => {
  it("extend: a recipe Input → ExtendSection → Output, rendered by its id", () => {
    const plan = extendPlan({ kind: "extend", seconds: 30, prompt: "a bridge" }, input());
    expect(plan.tool).toBe("renderEdit");
    expect(plan.recipe).toEqual({
      recipe: {
        nodes: [
          { node_type: "Input", clip_id: "clip-1", input_ids: [], output_ids: ["input"] },
          {
            node_type: "ExtendSection",
            instruction: "a bridge",
            extend_s: 30,
            extend_from_s: null,
            seed: null,
            input_ids: ["input"],
            output_ids: ["processing"],
          },
          {
            node_type: "Output",
            input_ids: ["processing"],
            output_ids: ["output"],
            title: "Song (extend)",
            generate_image: false,
          },
        ],
        instruction: "a bridge",
      },
    });
    expect(plan.args("recipe-9")).toEqual({ recipe_id: "recipe-9", title: "Song (extend)", image_id: null });
  });

  it("replace and cover: their own edit nodes", () => {
    const replace = replacePlan(
      { kind: "replace", regions: [{ startSecs: 3, endSecs: 5 }], prompt: "softer", seed: 7 },
      input(),
    );
    const nodes = (plan: { recipe?: Record<string, unknown> }) =>
      (plan.recipe as { recipe: { nodes: Array<Record<string, unknown>> } }).recipe.nodes;
    expect(nodes(replace)[1]).toMatchObject({
      node_type: "ReplaceSection",
      masks: [{ start_s: 3, end_s: 5 }],
      seed: 7,
    });
    const cover = coverPlan({ kind: "cover", prompt: "as jazz" }, input());
    expect(nodes(cover)[1]).toMatchObject({ node_type: "CoverSong", strength: 0.5, instruction: "as jazz" });
  });

  it("stems, trim and speed: a tool call without a recipe", () => {
    expect(stemsPlan(input()).args(undefined)).toEqual({ clip_id: "clip-1" });
    const trim = trimPlan({ kind: "trim", startSecs: 1, endSecs: 4 }, input());
    expect(trim.recipe).toBeUndefined();
    expect(trim.args(undefined)).toEqual({
      graph: [
        { node_type: "Input", node_id: "input", track_id: "clip-1" },
        { node_type: "Trim", node_id: "trim", start_s: 1, end_s: 4, input_ids: ["input"] },
        { node_type: "Output", input_ids: ["trim"] },
      ],
      output_title: "Song (extend)",
    });
    expect((speedPlan({ kind: "speed", factor: 0.9 }, input()).args(undefined).graph as unknown[])[1]).toEqual({
      node_type: "TempoShift",
      node_id: "fx",
      speed: 0.9,
      semitones: 0,
      input_ids: ["input"],
    });
  });
});

describe("a profile without tool calls", () => {
  it("producerai-2025: every operation is refused with INVALID_INPUT naming the missing keys", () => {
    const site = configFor("producerai-2025").site;
    expect(() => assertOperationSupported(site, "extend")).toThrow(/producerai-2025.*no way to extend/);
    let refusal: unknown;
    try {
      assertOperationSupported(site, "trim");
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ code: "INVALID_INPUT" });
    const paths = (refusal as { details: { fields: Array<{ path: string }> } }).details.fields.map(
      (field) => field.path,
    );
    expect(paths).toContain("site.tools.applyEffect");
    expect(paths).toContain("site.toolCalls");
    expect(() => assertOperationSupported(configFor("flow-2026").site, "extend")).not.toThrow();
  });

  it("a session on it refuses before a browser opens", async () => {
    const session = new BrowserSession({ config: configFor("producerai-2025") });
    try {
      await expect(
        session.operate({ source: { clipId: "clip-1" }, operation: { kind: "stems" }, format: "wav" }),
      ).rejects.toMatchObject({ code: "INVALID_INPUT" });
    } finally {
      await session.close();
    }
  });
});
