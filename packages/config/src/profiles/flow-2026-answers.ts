import type { AnswerShapes } from "../answer-shapes.js";

/**
 * One clip as `/__api/clips` and the listings describe it (facts: "A clip"). `operation` carries the create-song
 * call's arguments, so those are known too; `lyrics.value` is `{ id, text }` or null. Favourites and play counts
 * are FS's *(may)*.
 */
const CLIP = {
  "id!": true,
  title: true,
  op_id: true,
  op_type: true,
  "duration!": { "status!": true, value: true },
  lyrics: { status: true, value: { id: true, text: true } },
  operation: {
    "sound_prompt?": true,
    "title?": true,
    "seed?": true,
    "lyrics_id?": true,
    "image_id?": true,
    "source_clip_id?": true,
  },
  "audio_url!": true,
  wav_url: true,
  image_url: true,
  video_url: true,
  privacy: true,
  deleted_at: true,
  created_at: true,
  "is_favorite?": true,
  "favorite_count?": true,
  "play_count?": true,
} as const;

/** The create-song tool's return; `clip_id_b` / `a_b_test_id` name the second song of a pair. */
const SONG_RETURN = {
  status: true,
  operation_id: true,
  "clip_id!": true,
  "clip_id_b?": true,
  "a_b_test_id?": true,
  estimated_time: true,
} as const;

/**
 * The answers the flow-2026 driver reads, as the public clients of the `/__api` backend show them (the facts
 * file, section A). Download answers audio, not JSON, so it has no shape here.
 */
export const FLOW_2026_ANSWERS = {
  api: {
    credits: {
      "data!": {
        "credits_remaining!": true,
        tokens_remaining: true,
        "subscription_tier?": true,
        "add_token_transactions?": [{ type: true, credits: true, created_at: true }],
      },
    },
    compose: { "job_id!": true },
    chat: { "job_id!": true },
    conversationCreate: { "conversation_id!": true },
    recipes: { "recipe_id!": true },
    // "`GET /conversations?limit&offset` → bare array of `{ id, title }`".
    conversations: [{ "id!": true, title: true }],
    conversationClipCount: { "clip_count!": true },
    status: {
      "status!": true,
      "state?": true,
      "progress?": true,
      "error_type?": true,
      "error_message?": true,
      "clip_id?": true,
      "clip_ids?": true,
      "clip_id_b?": true,
      "clips?": true,
    },
    clips: { "clips!": { "*": CLIP } },
    recentClips: { "clips!": [CLIP] },
    library: { "clips!": [CLIP] },
    // `/clips/<id>` also matches the listings above and `/clips/delete` (whose answer the facts do not give):
    // those come first. "`PATCH /clips/<id>` … → `{ clip }`".
    clipsDelete: true,
    clipUpdate: { "clip!": CLIP },
    // An upload names its clip as `clip_id` or `id`; its check reads `null`/`pending` until `complete`.
    uploadAudio: { "clip_id?": true, "id?": true, "operation_id!": true },
    uploadCheck: {
      "status!": true,
      has_vocals: true,
      has_cid_match: true,
      has_minor_vocals: true,
      "lyrics_moderation_failed?": true,
    },
    uploadRemoveVocals: { "clip_id?": true },
    // The facts give no answer for a confirmed upload: any is taken.
    uploadConfirm: true,
    // "`GET /__api/models` → `{ models: [ { public_name, is_default, … } ] }`".
    models: { "models!": [{ "public_name!": true, is_default: true }] },
  },
  toolReturns: {
    audio__create_song: SONG_RETURN,
    audio__split_stems: { status: true, "stems!": [{ stem_type: true, "clip_id!": true }] },
    // FS names the new clips in `clip_outputs`, DB's README a bare `clip_id`: either may come.
    audio__render_edit: {
      status: true,
      operation_id: true,
      "clip_outputs?": [{ node_id: true, "clip_id!": true, title: true }],
      "clip_id?": true,
      estimated_time: true,
    },
    audio__apply_effect: { "result_clip_id!": true },
    // "`image__create_image { prompt, aspect_ratio, image_urls: null }` → `{ image_url }` (jpg)".
    image__create_image: { "image_url!": true },
    // "`audio__caption { prompt, audio_url }` → `{ caption }`; `audio__transcribe { audio_url }` → `{ lyrics }`".
    audio__caption: { "caption!": true },
    audio__transcribe: { "lyrics!": true },
    lyrics__create: { title: true, "lyrics!": true },
    lyrics__register: { "lyrics_id!": true },
    lyrics__edit: { "lyrics!": true },
  },
} as const satisfies AnswerShapes;
