import { type AnswerShape, SHIPPED_PROFILES } from "@producer/config";
import { describe, expect, it } from "vitest";
import { shapeDifferences } from "./answer-shape-check.js";

const CLIP: AnswerShape = {
  "id!": true,
  title: true,
  "duration!": { "status!": true, value: true },
  "operation?": { "seed?": true },
};

describe("an answer checked against its shape", () => {
  it("is silent when every field is known and every expected one is there", () => {
    expect(shapeDifferences(CLIP, { id: "a", title: "t", duration: { status: "completed", value: "1.0" } })).toEqual(
      [],
    );
  });

  it("names an unknown field and a missing required field by path, marking a needed one", () => {
    const differences = shapeDifferences(CLIP, { id: "a", duration: { value: null }, bpm: 96 });
    expect(differences).toEqual(
      expect.arrayContaining([
        { field: "title", kind: "missing", needed: false },
        { field: "duration.status", kind: "missing", needed: true },
        { field: "bpm", kind: "unknown", needed: false },
      ]),
    );
    expect(differences).toHaveLength(3);
  });

  it("looks into nested objects, arrays of items and id-keyed objects, once per path", () => {
    const listing: AnswerShape = { "clips!": [CLIP] };
    const byId: AnswerShape = { "clips!": { "*": CLIP } };
    const clip = (extra: object) => ({ id: "a", title: "t", duration: { status: "x", value: "1" }, ...extra });
    expect(shapeDifferences(listing, { clips: [clip({ mood: 1 }), clip({ mood: 2 })] })).toEqual([
      { field: "clips[].mood", kind: "unknown", needed: false },
    ]);
    expect(shapeDifferences(byId, { clips: { a: clip({ operation: { seed: 1, tempo: 2 } }) } })).toEqual([
      { field: "clips.*.operation.tempo", kind: "unknown", needed: false },
    ]);
    expect(shapeDifferences(listing, {})).toEqual([{ field: "clips", kind: "missing", needed: true }]);
  });

  it("does not look into a value that is not an object (null, a string) or an optional field left out", () => {
    expect(shapeDifferences(CLIP, { id: "a", title: "t", duration: null })).toEqual([]);
    expect(shapeDifferences({ "list!": [CLIP] }, { list: "none" })).toEqual([]);
  });

  it("finds no drift in answers shaped as the facts describe them (flow-2026 profile)", () => {
    const { answers } = SHIPPED_PROFILES["flow-2026"];
    const clip = {
      id: "c1",
      title: "Song",
      op_id: "op",
      op_type: "audio__create_song",
      duration: { status: "completed", value: "152.8" },
      lyrics: { status: "completed", value: { id: "l", text: "[Instrumental]" } },
      operation: { sound_prompt: "warm, 96 bpm", title: "Song", seed: 7 },
      audio_url: "https://cdn.example/clips/c1.m4a",
      wav_url: "https://cdn.example/clips/c1.wav",
      image_url: null,
      video_url: null,
      privacy: "unlisted",
      deleted_at: null,
      created_at: "2026-01-01T00:00:00Z",
    };
    expect(shapeDifferences(answers.api.clips, { clips: { c1: clip } })).toEqual([]);
    expect(shapeDifferences(answers.api.recentClips, { clips: [clip] })).toEqual([]);
    const songReturn = { status: "pending", operation_id: "op", clip_id: "c1", clip_id_b: "c2", estimated_time: 30 };
    expect(shapeDifferences(answers.toolReturns.audio__create_song, songReturn)).toEqual([]);
    expect(
      shapeDifferences(answers.api.credits, {
        data: { credits_remaining: 10, tokens_remaining: 0, subscription_tier: "pro" },
      }),
    ).toEqual([]);
  });
});
