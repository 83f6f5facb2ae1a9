import { createHash } from "node:crypto";
import { withSettings } from "@producer/test-utils";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { start, type RunningSimulator } from "../src/index.js";

// The song operations (edits by recipe + render, effects, conversion, stems of any song) and their faults, asked
// over plain HTTP with the page's Bearer, as the page's own code sends them.

const TEST_MS = 30_000;
let site: RunningSimulator;
let bearer: string;
let conversationId: string;
/** An older song of the library, made before these tests (3 s long). */
let source: { id: string; title: string };

const SETTINGS = { generationMs: 0, toolReturnDelayMs: 30, renderReturn: "clip_outputs", creditsPerEffect: 0 } as const;

beforeAll(async () => {
  site = await start({ ...SETTINGS, songDurationSecs: [3, 3], maxAudioSecs: 12 });
});
afterAll(() => site.close());
beforeEach(async () => {
  site.faults.clear();
  site.resetStats();
  site.setCredits(100);
  Object.assign(site.settings, SETTINGS);
  bearer = accessTokenOf();
  site.seedLibrary(undefined, 1);
  const seeded = site.flowClips().find((clip) => clip.title.startsWith("Archive Song"));
  source = { id: seeded?.id as string, title: seeded?.title as string };
  conversationId = (await post("/__api/conversation/create", { project_id: null }).then((r) => r.json()))
    .conversation_id;
});

/** A new login's access token: the Bearer the page sends (read from the joined session cookie). */
function accessTokenOf(email?: string): string {
  const cookie = site
    .issueSession(email)
    .cookies.map((part) => part.value)
    .join("");
  return JSON.parse(Buffer.from(cookie.slice("base64-".length), "base64url").toString()).access_token;
}

const post = (path: string, body: unknown) =>
  fetch(site.url + path, {
    method: "POST",
    headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
const get = (path: string) => fetch(site.url + path, { headers: { authorization: `Bearer ${bearer}` } });

/** The direct tool call, the compose body with another tool name and args. */
const tool = (toolName: string, args: Record<string, unknown>) =>
  post("/__api/producer/tool-call", {
    conversation_id: conversationId,
    part: { tool_name: toolName, args, part_kind: "tool-call", tool_call_id: `call_${toolName}` },
    client_context: { current_song_id: null, song_queue: [], selected_model: "Lyria 3.5", lyrics_id_map: {} },
  });

/** The named events of a job's stream, read until it ends or `waitMs` pass. */
async function streamOf(jobId: string, waitMs = 3000) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), waitMs);
  const response = await get(`/__api/messages/${jobId}/stream?last_id=0`);
  let text = "";
  let ended = true;
  try {
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    controller.signal.addEventListener("abort", () => void reader.cancel());
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      text += Buffer.from(chunk.value).toString();
    ended = !controller.signal.aborted;
  } finally {
    clearTimeout(timer);
  }
  const events = text
    .split("\n\n")
    .map((block) => ({ name: /^event: (.*)$/m.exec(block)?.[1], data: /^data: (.*)$/m.exec(block)?.[1] }))
    .filter((event) => event.name && event.data)
    .map((event) => ({ name: event.name as string, data: JSON.parse(event.data as string) }));
  return { events, ended };
}

/** Calls a tool and reads its stream: the tool-return's content, or the error event. */
async function run(toolName: string, args: Record<string, unknown>) {
  const response = await tool(toolName, args);
  expect(response.status).toBe(200);
  const { job_id: jobId } = (await response.json()) as { job_id: string };
  const { events, ended } = await streamOf(jobId);
  const returned = events.find((event) => event.name === "part" && event.data.part.part_kind === "tool-return");
  const content = returned?.data.part.content;
  return { jobId, ended, content, error: events.find((event) => event.name === "error")?.data };
}

const clipOf = async (id: string) =>
  ((await post("/__api/clips", { clip_ids: [id] }).then((r) => r.json())) as { clips: Record<string, any> }).clips[id];

/** A recipe of the one shape the facts give: Input → edit → Output. */
const recipe = (clipId: string, edit: Record<string, unknown>, title = "Edited") => ({
  recipe: {
    nodes: [
      { node_type: "Input", clip_id: clipId, input_ids: [], output_ids: ["input"] },
      { input_ids: ["input"], output_ids: ["processing"], ...edit },
      { node_type: "Output", input_ids: ["processing"], output_ids: ["output"], title, generate_image: false },
    ],
    instruction: (edit.instruction as string | undefined) ?? null,
  },
});
const extend = (extendSecs: number, fromSecs: number | null = null) => ({
  node_type: "ExtendSection",
  instruction: "",
  extend_s: extendSecs,
  extend_from_s: fromSecs,
  seed: 7,
});

/** Makes a recipe and renders it: the tool-return, the new clip and the render's job. */
async function edit(clipId: string, node: Record<string, unknown>, renderArgs: Record<string, unknown> = {}) {
  const made = await post("/__api/recipes/create", recipe(clipId, node));
  expect(made.status).toBe(200);
  const { recipe_id: recipeId } = (await made.json()) as { recipe_id: string };
  const rendered = await run("audio__render_edit", {
    recipe_id: recipeId,
    title: "New Cut",
    image_id: null,
    ...renderArgs,
  });
  const clipId2 = rendered.content?.clip_outputs?.[0]?.clip_id ?? rendered.content?.clip_id;
  return { ...rendered, recipeId, clipId: clipId2 as string };
}

const wavSecs = (bytes: Buffer) => bytes.readUInt32LE(40) / bytes.readUInt32LE(28);
const download = async (id: string, format: string) => {
  const response = await get(`/__api/download/audio/${id}?format=${format}`);
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
};
const sha = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

describe("edits: a recipe, then audio__render_edit", () => {
  it("extends a song of the library: a new clip, longer by extend_s, with audio of its own, one paid call", {
    timeout: TEST_MS,
  }, async () => {
    const result = await edit(source.id, extend(4));
    expect(result.content).toEqual({
      status: expect.any(String),
      operation_id: expect.any(String),
      clip_outputs: [{ node_id: expect.any(String), clip_id: result.clipId, title: "New Cut" }],
      estimated_time: expect.any(Number),
    });
    expect(result.ended).toBe(true);
    expect(await get(`/__api/audio-create-song-status/${result.content.operation_id}`).then((r) => r.json())).toEqual({
      status: "complete",
    });
    expect(await clipOf(result.clipId)).toMatchObject({
      op_type: "audio__render_edit",
      op_id: result.content.operation_id,
      title: "New Cut",
      duration: { status: "completed", value: "7.0" },
      operation: { source_clip_id: source.id, seed: 7 },
      audio_url: expect.stringMatching(new RegExp(`/clips/${result.clipId}\\.m4a$`)),
    });
    const before = await download(source.id, "wav");
    const after = await download(result.clipId, "wav");
    expect(wavSecs(after.bytes)).toBeCloseTo(7, 1);
    expect(wavSecs(before.bytes)).toBeCloseTo(3, 1);
    expect(sha(after.bytes)).not.toBe(sha(before.bytes));
    expect(site.credits()).toBe(95);
    expect(site.stats.flow).toMatchObject({
      recipes: 1,
      toolCalls: { audio__render_edit: 1 },
      toolRuns: { audio__render_edit: 1 },
      creditsCharged: 5,
      generationCalls: {},
    });
  });

  it("extends from a point (the song then ends at from + extend_s), replaces and covers keeping the length", {
    timeout: TEST_MS,
  }, async () => {
    const from = await edit(source.id, extend(2, 1.5), { image_id: undefined });
    expect((await clipOf(from.clipId)).duration.value).toBe("3.5");
    const replaced = await edit(source.id, {
      node_type: "ReplaceSection",
      instruction: "a drum break",
      masks: [
        { start_s: 0.5, end_s: 1 },
        { start_s: 2, end_s: 2.5 },
      ],
      seed: null,
    });
    const covered = await edit(replaced.clipId, {
      node_type: "CoverSong",
      instruction: "as a jazz trio",
      strength: 0.3,
      seed: 1,
    });
    for (const made of [replaced, covered]) expect((await clipOf(made.clipId)).duration.value).toBe("3.0");
    expect((await clipOf(covered.clipId)).operation.source_clip_id).toBe(replaced.clipId);
    expect(new Set([from.clipId, replaced.clipId, covered.clipId]).size).toBe(3);
    expect(site.stats.flow.toolRuns).toEqual({ audio__render_edit: 3 });
    expect(site.credits()).toBe(85);
  });

  it("names the new clip by clip_outputs, a bare clip_id, or both, as set", { timeout: TEST_MS }, async () => {
    const bare = await withSettings(site.settings, { renderReturn: "clip_id" }, () => edit(source.id, extend(1)));
    expect(bare.content.clip_outputs).toBeUndefined();
    expect(await clipOf(bare.content.clip_id)).toMatchObject({ op_type: "audio__render_edit" });
    const both = await withSettings(site.settings, { renderReturn: "both" }, () => edit(source.id, extend(1)));
    expect(both.content.clip_outputs[0].clip_id).toBe(both.content.clip_id);
  });

  it("refuses a malformed recipe with FastAPI's 422 and spends nothing", { timeout: TEST_MS }, async () => {
    const missing = await post(
      "/__api/recipes/create",
      recipe(source.id, { node_type: "ExtendSection", instruction: "" }),
    );
    expect(missing.status).toBe(422);
    expect((await missing.json()).detail).toEqual([
      expect.objectContaining({
        type: "missing",
        msg: "Field required",
        loc: ["body", "recipe", "nodes", 1, "ExtendSection", "extend_s"],
      }),
    ]);
    const noRecipe = await post("/__api/recipes/create", {});
    expect((await noRecipe.json()).detail[0]).toMatchObject({ loc: ["body", "recipe"], msg: "Field required" });
    const unknown = await post("/__api/recipes/create", recipe(source.id, { node_type: "Remix", instruction: "" }));
    expect((await unknown.json()).detail[0].type).toBe("union_tag_invalid");
    const wrongType = await post("/__api/recipes/create", recipe(source.id, { ...extend(1), extend_s: "ten" }));
    expect((await wrongType.json()).detail[0]).toMatchObject({ type: "float_type", input: "ten" });
    expect(site.stats.flow).toMatchObject({ recipes: 0, recipesRefused: 4, creditsCharged: 0 });
  });

  it("fails a render it cannot make on the stream (tool_call_failure), charging nothing", {
    timeout: TEST_MS,
  }, async () => {
    const noSuchRecipe = await run("audio__render_edit", {
      recipe_id: "00000000-0000-0000-0000-000000000000",
      title: "x",
    });
    expect(noSuchRecipe.error).toEqual({
      type: "tool_call_failure",
      message: "Error while streaming parts",
      raw_error: expect.any(String),
    });
    expect(noSuchRecipe.content).toBeUndefined();
    const outside = await edit(source.id, {
      node_type: "ReplaceSection",
      instruction: "",
      masks: [{ start_s: 2, end_s: 9 }],
    });
    expect(outside.error?.type).toBe("tool_call_failure");
    // Another account's library does not hold the song: its render cannot take it.
    bearer = accessTokenOf("other@example.test");
    conversationId = (await post("/__api/conversation/create", { project_id: null }).then((r) => r.json()))
      .conversation_id;
    const elsewhere = await edit(source.id, extend(2));
    expect(elsewhere.error?.type).toBe("tool_call_failure");
    expect(site.stats.flow).toMatchObject({ toolFailures: { audio__render_edit: 3 }, toolRuns: {}, creditsCharged: 0 });
    expect(site.credits("other@example.test")).toBe(site.settings.startingCredits);
  });
});

describe("effects, conversion, stems and downloads", () => {
  const graph = (clipId: string, fx: Record<string, unknown>) => [
    { node_type: "Input", node_id: "input", track_id: clipId },
    { node_id: "fx", input_ids: ["input"], ...fx },
    { node_type: "Output", input_ids: ["fx"] },
  ];

  it("trims and shifts tempo: { result_clip_id }, lengths end − start and length ÷ speed, free by default", {
    timeout: TEST_MS,
  }, async () => {
    const trimmed = await run("audio__apply_effect", {
      graph: graph(source.id, { node_type: "Trim", start_s: 0.5, end_s: 2.5 }),
      output_title: "Trimmed",
    });
    expect(trimmed.content).toEqual({ result_clip_id: expect.any(String) });
    expect(await clipOf(trimmed.content.result_clip_id)).toMatchObject({
      title: "Trimmed",
      duration: { status: "completed", value: "2.0" },
      operation: { source_clip_id: source.id },
    });
    const faster = await run("audio__apply_effect", {
      graph: graph(source.id, { node_type: "TempoShift", speed: 1.5, semitones: -2 }),
      output_title: "Faster",
    });
    expect((await clipOf(faster.content.result_clip_id)).duration.value).toBe("2.0");
    const { bytes } = await download(faster.content.result_clip_id, "wav");
    expect(wavSecs(bytes)).toBeCloseTo(2, 1);
    expect(site.credits()).toBe(100);
    await withSettings(site.settings, { creditsPerEffect: 2 }, () =>
      run("audio__apply_effect", {
        graph: graph(source.id, { node_type: "Trim", start_s: 0, end_s: 1 }),
        output_title: "t",
      }),
    );
    expect(site.credits()).toBe(98);
    expect(site.stats.flow.toolRuns).toEqual({ audio__apply_effect: 3 });
  });

  it("answers a bad graph with the stream's tool_call_failure", { timeout: TEST_MS }, async () => {
    const bad = [
      graph(source.id, { node_type: "Trim", start_s: 2, end_s: 1 }),
      graph(source.id, { node_type: "Trim", start_s: 0, end_s: 99 }),
      graph(source.id, { node_type: "TempoShift", speed: 0, semitones: 0 }),
      graph(source.id, { node_type: "Reverb" }),
      graph("not-a-clip", { node_type: "Trim", start_s: 0, end_s: 1 }),
      [{ node_type: "Input", node_id: "input", track_id: source.id }],
    ];
    for (const badGraph of bad) {
      const answer = await run("audio__apply_effect", { graph: badGraph, output_title: "x" });
      expect(answer.error).toMatchObject({ type: "tool_call_failure", message: "Error while streaming parts" });
    }
    expect(site.stats.flow).toMatchObject({ toolFailures: { audio__apply_effect: 6 }, toolRuns: {} });
  });

  it("converts a song by audio__convert_format but not an effect-made one; the download endpoint converts any", {
    timeout: TEST_MS,
  }, async () => {
    const converted = await run("audio__convert_format", {
      track_id: source.id,
      output_title: "As WAV",
      output_format: { extension: "wav" },
    });
    expect(await clipOf(converted.content.result_clip_id)).toMatchObject({
      title: "As WAV",
      duration: { value: "3.0" },
    });
    const trimmed = await run("audio__apply_effect", {
      graph: graph(source.id, { node_type: "Trim", start_s: 0, end_s: 1 }),
      output_title: "Cut",
    });
    const refused = await run("audio__convert_format", {
      track_id: trimmed.content.result_clip_id,
      output_title: "No",
      output_format: { extension: "mp3" },
    });
    expect(refused.error?.type).toBe("tool_call_failure");
    const types = { mp3: /^audio\/mpeg/, wav: /^audio\/wav/, m4a: /^audio\/mp4/ };
    for (const [format, type] of Object.entries(types)) {
      const { response } = await download(trimmed.content.result_clip_id, format);
      expect(response.headers.get("content-type")).toMatch(type);
    }
    for (const format of ["flac", "ogg"]) expect((await download(source.id, format)).response.status).toBe(400);
  });

  it("splits stems of any song of the library: an old one and an edit", { timeout: TEST_MS }, async () => {
    const edited = await edit(source.id, extend(1));
    for (const parent of [source.id, edited.clipId]) {
      const { content } = await run("audio__split_stems", { clip_id: parent });
      expect(content.stems.map((stem: { stem_type: string }) => stem.stem_type)).toEqual([
        "vocals",
        "drums",
        "bass",
        "other",
      ]);
      expect((await clipOf(content.stems[0].clip_id)).operation.source_clip_id).toBe(parent);
    }
    expect(site.stats.flow.toolRuns).toMatchObject({ audio__split_stems: 2 });
  });
});

describe("faults on the song operations", () => {
  it("recipe-refused: 422 Field required, counted", { timeout: TEST_MS }, async () => {
    site.faults.set("recipe-refused", { times: 1 });
    const refused = await post("/__api/recipes/create", recipe(source.id, extend(2)));
    expect(refused.status).toBe(422);
    expect((await refused.json()).detail[0]).toMatchObject({ type: "missing", msg: "Field required" });
    expect((await post("/__api/recipes/create", recipe(source.id, extend(2)))).status).toBe(200);
    expect(site.stats.flow).toMatchObject({ recipes: 1, recipesRefused: 1, operationFaults: { "recipe-refused": 1 } });
  });

  it("edit-failed: charged, its status carries error_type / error_message, its clip failed", {
    timeout: TEST_MS,
  }, async () => {
    site.faults.set("edit-failed", { times: 1 });
    const failed = await edit(source.id, extend(2));
    expect(await get(`/__api/audio-create-song-status/${failed.content.operation_id}`).then((r) => r.json())).toEqual({
      status: "failed",
      error_type: expect.any(String),
      error_message: expect.any(String),
    });
    expect(await clipOf(failed.clipId)).toMatchObject({ audio_url: null, duration: { status: "failed" } });
    expect(site.stats.flow).toMatchObject({ creditsCharged: 5, operationFaults: { "edit-failed": 1 } });
  });

  it("edit-stalled: no tool-return and nothing charged; edit-never-done: named, but never complete", {
    timeout: TEST_MS,
  }, async () => {
    site.faults.set("edit-stalled", { times: 1 });
    const made = (await post("/__api/recipes/create", recipe(source.id, extend(2))).then((r) => r.json())) as {
      recipe_id: string;
    };
    const { job_id: jobId } = (await tool("audio__render_edit", { recipe_id: made.recipe_id, title: "x" }).then((r) =>
      r.json(),
    )) as {
      job_id: string;
    };
    const stalled = await streamOf(jobId, 600);
    expect(stalled.ended).toBe(false);
    expect(stalled.events.some((event) => event.data.part?.part_kind === "tool-return")).toBe(false);
    expect(site.stats.flow.creditsCharged).toBe(0);
    site.faults.set("edit-never-done", { times: 1 });
    const pending = await edit(source.id, extend(2));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(
      (await get(`/__api/audio-create-song-status/${pending.content.operation_id}`).then((r) => r.json())).status,
    ).toBe("running");
    expect((await clipOf(pending.clipId)).duration.status).toBe("pending");
    expect(site.stats.flow.operationFaults).toEqual({ "edit-stalled": 1, "edit-never-done": 1 });
  });

  it("402 out of credits and 429 busy (with retry-after): not taken, nothing charged", {
    timeout: TEST_MS,
  }, async () => {
    const made = (await post("/__api/recipes/create", recipe(source.id, extend(2))).then((r) => r.json())) as {
      recipe_id: string;
    };
    site.setCredits(4);
    const poor = await tool("audio__render_edit", { recipe_id: made.recipe_id, title: "x" });
    expect(poor.status).toBe(402);
    expect(await poor.text()).toMatch(/Not enough credits/);
    site.setCredits(100);
    site.faults.set("quota-exhausted", { times: 1 });
    const trim = { graph: [{ node_type: "Input", node_id: "input", track_id: source.id }], output_title: "x" };
    expect((await tool("audio__apply_effect", trim)).status).toBe(402);
    site.faults.set("busy", { times: 1 });
    const busy = await tool("audio__render_edit", { recipe_id: made.recipe_id, title: "x" });
    expect(busy.status).toBe(429);
    expect(busy.headers.get("retry-after")).toBe("5");
    expect(site.stats.flow).toMatchObject({
      toolCalls: { audio__render_edit: 2, audio__apply_effect: 1 },
      toolRuns: {},
      refusedForCredits: 2,
      busyRefusals: 1,
      creditsCharged: 0,
      operationFaults: { "quota-exhausted": 1 },
    });
  });

  it("reply-lost: the render is made and charged, its answer never arrives; the clip is in the library", {
    timeout: TEST_MS,
  }, async () => {
    const made = (await post("/__api/recipes/create", recipe(source.id, extend(2))).then((r) => r.json())) as {
      recipe_id: string;
    };
    site.faults.set("reply-lost", { times: 1 });
    await expect(
      tool("audio__render_edit", { recipe_id: made.recipe_id, title: "Lost" }).then((r) => r.json()),
    ).rejects.toThrow();
    expect(site.stats.flow).toMatchObject({
      toolRuns: { audio__render_edit: 1 },
      creditsCharged: 5,
      operationFaults: { "reply-lost": 1 },
    });
    const listed = (await get("/__api/clips/auth-user?limit=5&offset=0").then((r) => r.json())) as {
      clips: Array<{ title: string; operation: any }>;
    };
    expect(listed.clips[0]).toMatchObject({ title: "Lost", operation: { source_clip_id: source.id } });
  });
});
