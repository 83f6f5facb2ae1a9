import { randomUUID } from "node:crypto";
import { Hono, type Context } from "hono";
import { clipAnswer, sleep, type FlowContext } from "./flow-context.js";
import { audioCaption, audioTranscribe, songMetadata } from "./flow-analysis.js";
import { applyEffect, convertFormat } from "./flow-effects.js";
import { renderEdit } from "./flow-edit.js";
import { createImage } from "./flow-image.js";
import { addLibraryRoutes } from "./flow-library.js";
import { createLyrics, editLyrics, registerLyrics } from "./flow-lyrics.js";
import { bump, createSong, drifted, newToolCallId, openStream, refuseIfBusy, splitStems } from "./flow-generation.js";
import { createRecipe } from "./flow-recipe.js";
import { batchDownload, downloadEndpoint } from "./flow-storage.js";
import { FLOW_MODELS, siteModels, type FlowClip } from "./flow-store.js";
import { FlowJob, streamJob } from "./flow-stream.js";
import { failToolCall, takeableSource, takeToolCall } from "./flow-tool-job.js";
import { createUploadApi } from "./flow-upload.js";

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const readJson = async (c: Context): Promise<Record<string, unknown>> => {
  const body: unknown = await c.req.json().catch(() => undefined);
  return isRecord(body) ? body : {};
};
/** The account the Bearer token of this request belongs to (set by the API's own check). */
const accountOf = (c: Context) => c.get("account" as never) as string;

/**
 * The page's own JSON API under `/__api/`, in the shapes the public clients of the real backend show. Every call
 * needs `Authorization: Bearer <access token>` (the token from the login cookie, never the cookie itself).
 */
export function createFlowApi(context: FlowContext): Hono {
  const { store } = context;
  const api = new Hono();

  api.use("*", async (c, next) => {
    const bearer = /^Bearer (.+)$/.exec(c.req.header("authorization") ?? "")?.[1];
    const account = context.faults.isOn("logged-out") ? undefined : context.auth.accountOfAccessToken(bearer);
    if (!account) {
      context.stats().unauthorized += 1;
      return c.json({ code: 401, message: "JWT expired or invalid", detail: "Unauthorized" }, 401);
    }
    c.set("account" as never, account as never);
    await next();
  });

  api.get("/billing/credits", (c) => {
    context.stats().creditsReads += 1;
    return c.json({
      data: { credits_remaining: store.balance(accountOf(c)), tokens_remaining: 0, subscription_tier: "pro" },
    });
  });
  api.get("/models", (c) =>
    c.json({
      models: siteModels(context.settings.newModels).map((model) => ({
        public_name: model.public_name,
        is_default: model.is_default,
      })),
    }),
  );
  api.post("/conversation/create", async (c) => {
    await readJson(c);
    const conversationId = randomUUID();
    store.conversations.set(conversationId, accountOf(c));
    return c.json({ conversation_id: conversationId });
  });
  api.post("/recipes/create", (c) => createRecipe(context, c, accountOf(c)));
  api.post("/producer/tool-call", (c) => toolCall(context, c));
  api.post("/conversation", (c) => chatMessage(context, c));
  api.get("/messages/:jobId/stream", (c) => {
    const job = context.jobs.get(c.req.param("jobId"));
    if (!job || job.account !== accountOf(c)) return c.json({ detail: "Job not found" }, 404);
    context.stats().streamReaders += 1;
    return streamJob(c, job, context.heldRequests);
  });
  api.get("/audio-create-song-status/:opId", (c) => operationStatus(context, c));

  api.post("/clips", async (c) => {
    context.stats().clipsLookups += 1;
    const body = await readJson(c);
    const ids = Array.isArray(body.clip_ids) ? body.clip_ids.map(String) : [];
    const found = ids
      .map((id) => store.clips.get(id))
      .filter((clip): clip is FlowClip => clip?.account === accountOf(c));
    return c.json({
      clips: Object.fromEntries(found.map((clip) => [clip.id, clipAnswer(context, clip)])),
    });
  });
  api.get("/clips/auth-user", (c) => listing(context, c, store.clipsOf(accountOf(c))));
  api.get("/clips/user/:userId", (c) => {
    const userId = c.req.param("userId");
    const own = context.auth.userOf(accountOf(c)).id === userId && c.req.query("public_only") !== "true";
    if (own) return listing(context, c, store.clipsOf(accountOf(c)));
    // Another user's listing, or a public-only one, shows only the songs made public (`PATCH /clips/<id>`).
    const owner = [...store.clips.values()].find((clip) => context.auth.userOf(clip.account).id === userId)?.account;
    return listing(context, c, owner ? store.clipsOf(owner).filter((clip) => clip.privacy === "public") : []);
  });

  api.get("/download/audio/:id", (c) => downloadEndpoint(context, c, accountOf(c)));
  api.post("/batch-download-clip", (c) => batchDownload(context, c, accountOf(c)));
  addLibraryRoutes(api, context, accountOf);
  api.route("/producer/upload-audio", createUploadApi(context));
  api.all("*", (c) => c.json({ detail: "Not Found" }, 404));
  return api;
}

/** The request's conversation, when it is the account's own. */
function conversationOf(context: FlowContext, c: Context, body: Record<string, unknown>): string | undefined {
  const id = typeof body.conversation_id === "string" ? body.conversation_id : "";
  return context.store.conversations.get(id) === accountOf(c) ? id : undefined;
}

/** The song operations sent as direct tool calls, each answered by its own file. */
const OPERATION_TOOLS = {
  audio__render_edit: renderEdit,
  audio__apply_effect: applyEffect,
  audio__convert_format: convertFormat,
  image__create_image: createImage,
  audio__caption: audioCaption,
  audio__transcribe: audioTranscribe,
  songs__get_metadata: songMetadata,
  lyrics__create: createLyrics,
  lyrics__register: registerLyrics,
  lyrics__edit: editLyrics,
} as const;

/** A direct tool call, as the compose panel and a song's menu send it: create a song, split stems, edit, apply an effect. */
async function toolCall(context: FlowContext, c: Context): Promise<Response> {
  const body = await readJson(c);
  const conversationId = conversationOf(context, c, body);
  if (!conversationId) return c.json({ detail: "Conversation not found" }, 404);
  const part = isRecord(body.part) ? body.part : {};
  const args = isRecord(part.args) ? part.args : {};
  const clientContext = isRecord(body.client_context) ? body.client_context : {};
  const toolCallId = typeof part.tool_call_id === "string" && part.tool_call_id ? part.tool_call_id : newToolCallId();
  if (part.part_kind !== "tool-call") return c.json({ detail: "part.part_kind must be tool-call" }, 422);
  bump(context.stats().toolCalls, String(part.tool_name));
  const operation = OPERATION_TOOLS[part.tool_name as keyof typeof OPERATION_TOOLS];
  if (operation) {
    const busy = refuseIfBusy(context, c);
    const request = { account: accountOf(c), toolName: String(part.tool_name), args, toolCallId, conversationId };
    return busy ?? operation(context, c, request);
  }
  if (part.tool_name === "audio__split_stems") {
    const busy = refuseIfBusy(context, c);
    return busy ?? splitStems(context, c, accountOf(c), String(args.clip_id ?? ""), toolCallId, conversationId);
  }
  if (part.tool_name !== "audio__create_song") return c.json({ detail: `Unknown tool ${String(part.tool_name)}` }, 422);
  const selectedModel = modelOf(context, clientContext);
  if (selectedModel === undefined) return unknownModel(c, clientContext);
  const lyricsMap = isRecord(clientContext.lyrics_id_map) ? clientContext.lyrics_id_map : {};
  const lyricsId = typeof args.lyrics_id === "string" && args.lyrics_id ? args.lyrics_id : null;
  if (lyricsId !== null && typeof lyricsMap[lyricsId] !== "string")
    return c.json({ detail: "lyrics_id is not in client_context.lyrics_id_map" }, 422);
  const lyricsText = lyricsId === null ? "" : (lyricsMap[lyricsId] as string);
  const soundPrompt = typeof args.sound_prompt === "string" ? args.sound_prompt.trim() : "";
  if (!soundPrompt && !lyricsText.trim()) return c.json({ detail: "A sound description or lyrics is required" }, 422);
  if (args.seed !== undefined && args.seed !== null && !Number.isInteger(args.seed))
    return c.json({ detail: "seed must be an integer" }, 422);
  const title = typeof args.title === "string" ? args.title.trim() : "";
  const seed = typeof args.seed === "number" ? args.seed : null;
  context
    .stats()
    .composeRequests.push({ body, soundPrompt, lyrics: lyricsText, title, seed, selectedModel: String(selectedModel) });
  const busy = refuseIfBusy(context, c);
  if (busy) return busy;
  return createSong(context, c, accountOf(c), {
    soundPrompt,
    lyricsId,
    lyricsText,
    title,
    seed,
    toolCallId,
    args,
    conversationId,
    model: String(selectedModel),
  });
}

/** The model a call asked for (`client_context.selected_model`, the default when null), if the site lists it. */
function modelOf(context: FlowContext, clientContext: Record<string, unknown>): string | undefined {
  const asked = clientContext.selected_model ?? FLOW_MODELS[0].public_name;
  return siteModels(context.settings.newModels).some((model) => model.public_name === asked)
    ? String(asked)
    : undefined;
}

const unknownModel = (c: Context, clientContext: Record<string, unknown>) =>
  c.json({ detail: `Unknown model ${String(clientContext.selected_model)}` }, 422);

/**
 * A chat message (`POST /__api/conversation`): a song made from the user's words, its stream left open. A message
 * about a song of the library (`client_context.current_song_id`, with `song_queue: [{ id }]`, as a public client
 * points the agent at a song) is counted with that song; a song the account does not have, or whose audio is not
 * there yet, ends the agent's tool call in the stream's `tool_call_failure`, nothing charged.
 */
async function chatMessage(context: FlowContext, c: Context): Promise<Response> {
  const body = await readJson(c);
  const conversationId = conversationOf(context, c, body);
  if (!conversationId) return c.json({ detail: "Conversation not found" }, 404);
  const parts = Array.isArray(body.parts) ? body.parts.filter(isRecord) : [];
  const content = parts
    .filter((part) => part.part_kind === "user-prompt" && typeof part.content === "string")
    .map((part) => part.content as string)
    .join("\n")
    .trim();
  if (!content) return c.json({ detail: "The message is empty" }, 422);
  const busy = refuseIfBusy(context, c);
  if (busy) return busy;
  // "The chosen model travels as `client_context.selected_model`", in a chat as in a tool call.
  const clientContext = isRecord(body.client_context) ? body.client_context : {};
  const selectedModel = modelOf(context, clientContext);
  if (selectedModel === undefined) return unknownModel(c, clientContext);
  context.stats().chatMessages.push(content);
  if (context.faults.fire("chat-no-song")) return answerInWords(context, c, conversationId, content);
  // The assistant answers a request for music with a song-making tool call of its own.
  const args = { sound_prompt: content, lyrics_id: null, title: null, seed: null, image_id: null };
  const about = clientContext.current_song_id;
  if (typeof about === "string" && about) {
    const queue = Array.isArray(clientContext.song_queue) ? clientContext.song_queue.filter(isRecord) : [];
    const songQueue = queue.map((item) => item.id).filter((id): id is string => typeof id === "string");
    context.stats().chatsAboutSongs.push({ content, clipId: about, songQueue });
    const source = takeableSource(context, accountOf(c), about);
    if (typeof source === "string") {
      const toolCall = { account: accountOf(c), toolName: "audio__create_song", args, conversationId };
      const { job, call } = takeToolCall(context, { ...toolCall, toolCallId: newToolCallId() });
      failToolCall(context, job, call, source);
      return c.json({ job_id: job.id });
    }
  }
  return createSong(context, c, accountOf(c), {
    soundPrompt: content,
    lyricsId: null,
    lyricsText: "",
    title: "",
    seed: null,
    toolCallId: newToolCallId(),
    args,
    conversationId,
    chatMessage: content,
    model: selectedModel,
  });
}

/** The agent's answer in words only: a text part, then the stream's end; no tool call, nothing charged. */
function answerInWords(context: FlowContext, c: Context, conversationId: string, content: string): Response {
  const job = new FlowJob(accountOf(c));
  context.jobs.set(job.id, job);
  openStream(job, conversationId, undefined);
  const words = `I can't make a song of "${content.slice(0, 40)}" right now.`;
  job.later(context.settings.toolReturnDelayMs, () => {
    job.push("part", { status: "final", part: { part_kind: "text", content: words } });
    job.push("complete", {});
    job.push("final", {});
    job.end();
  });
  return c.json({ job_id: job.id });
}

/** An operation's status: pending, running, then complete or failed (with the failure's fields). */
function operationStatus(context: FlowContext, c: Context): Response {
  const operation = context.store.operations.get(c.req.param("opId") ?? "");
  if (!operation || operation.account !== accountOf(c)) return c.json({ detail: "Operation not found" }, 404);
  const now = Date.now();
  const done = now >= operation.readyAt;
  const failed = done && operation.failure !== undefined;
  const { statusFailure } = context.settings;
  // With `statusFailure: "fields"` only the error fields tell a failure: the status reads as if it went well.
  const status = done
    ? failed && statusFailure !== "fields"
      ? "failed"
      : "complete"
    : now >= operation.startedAt
      ? "running"
      : "pending";
  const span = Math.max(1, operation.readyAt - operation.startedAt);
  return c.json({
    status,
    ...(failed && statusFailure !== "status" ? operation.failure : {}),
    ...(context.settings.statusExtras
      ? {
          clip_ids: operation.clipIds,
          progress: done
            ? 1
            : Math.max(0, Math.min(0.99, Math.round(((now - operation.startedAt) / span) * 100) / 100)),
        }
      : {}),
  });
}

/** A page of a library listing (`limit`, `offset`), after the page cost. */
async function listing(context: FlowContext, c: Context, clips: FlowClip[]): Promise<Response> {
  context.stats().libraryListings += 1;
  if (context.settings.pageCostMs > 0) await sleep(context.settings.pageCostMs);
  const limit = Math.max(1, Math.min(Number(c.req.query("limit") ?? 20) || 20, 100));
  const offset = Math.max(0, Number(c.req.query("offset") ?? 0) || 0);
  const drift = context.faults.fire("answer-drift", c.req.path);
  return c.json({
    clips: clips
      .slice(offset, offset + limit)
      .map((clip) => (drift ? drifted(clipAnswer(context, clip), "video_url") : clipAnswer(context, clip))),
  });
}
