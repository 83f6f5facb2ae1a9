import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { Context } from "hono";
import { planSongs } from "./catalog.js";
import type { FlowContext } from "./flow-context.js";
import { STEM_PARTS, type FlowClip, type FlowOperation, type FlowOpType } from "./flow-store.js";
import { FlowJob } from "./flow-stream.js";

/** A song request, from the compose panel's tool call or written by the assistant for a chat message. */
export interface SongRequest {
  soundPrompt: string;
  lyricsId: string | null;
  lyricsText: string;
  title: string;
  seed: number | null;
  toolCallId: string;
  args: Record<string, unknown>;
  conversationId: string;
  /** The chat message that asked for it; undefined for a direct tool call. */
  chatMessage?: string;
  /** The model asked (`client_context.selected_model`). */
  model?: string;
}

export type ToolPart = { part_kind: "tool-call"; tool_name: string; args: unknown; tool_call_id: string };

export const bump = (record: Record<string, number>, account: string) => {
  record[account] = (record[account] ?? 0) + 1;
};

/** The song length asked as the lyrics' last line `[End - m:ss]`, in seconds. */
export function askedLengthSecs(lyrics: string): number | undefined {
  const lastLine = lyrics.trimEnd().split("\n").at(-1) ?? "";
  const match = /^\[End - (\d+):(\d\d)\]$/.exec(lastLine.trim());
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

/** 429 with `retry-after` while the `busy` fault is on: the call is not taken. */
export function refuseIfBusy(context: FlowContext, c: Context): Response | undefined {
  if (!context.faults.fire("busy")) return undefined;
  context.stats().busyRefusals += 1;
  c.header("retry-after", String(context.settings.busyRetryAfterSecs));
  return c.json({ detail: "Producer is busy helping others. Please try again in a moment." }, 429);
}

export function newOperation(context: FlowContext, account: string, opType: FlowOpType, now: number): FlowOperation {
  const startedAt = now + context.settings.toolReturnDelayMs;
  return {
    opId: randomUUID(),
    opType,
    account,
    createdAt: now,
    startedAt,
    readyAt: startedAt + context.settings.generationMs,
    clipIds: [],
  };
}

/** Sends a tool-return the ways the settings ask: a `part` event, a `message` event, or both. */
export function sendToolReturn(context: FlowContext, job: FlowJob, call: ToolPart, answer: Record<string, unknown>) {
  const content = context.faults.fire("answer-drift", `/__api/messages/${job.id}/stream`) ? drifted(answer) : answer;
  const toolReturn = {
    part_kind: "tool-return",
    tool_name: call.tool_name,
    tool_call_id: call.tool_call_id,
    content: context.settings.toolReturnContent === "string" ? JSON.stringify(content) : content,
  };
  if (context.settings.streamParts !== "message") job.push("part", { status: "final", part: toolReturn });
  if (context.settings.streamParts !== "part") job.push("message", { parts: [call, toolReturn] });
}

/** An answer as a site update might change it (`answer-drift`): a field added, an unneeded one gone. */
export function drifted(answer: Record<string, unknown>, gone = "estimated_time"): Record<string, unknown> {
  const { [gone]: _gone, ...kept } = answer;
  return { ...kept, drift_field: "added by the answer-drift fault" };
}

export function sendToolCall(job: FlowJob, call: ToolPart) {
  job.push("part", { status: "start", part: { ...call, args: {} } });
  job.push("part", { status: "final", part: call });
}

/** The opening of every stream; a chat's also streams the assistant's text. */
export function openStream(job: FlowJob, conversationId: string, chatMessage: string | undefined) {
  job.push("begin", {});
  job.push("conversation_id", { conversation_id: conversationId });
  if (chatMessage === undefined) return;
  const words = ["Sure", " — making", " a song", " from that:", ` "${chatMessage.slice(0, 60)}"`];
  job.push("part", { status: "start", part: { part_kind: "text", content: "" } });
  for (const word of words) job.push("part", { status: "delta", part: { part_kind: "text", content: word } });
  job.push("part", { status: "final", part: { part_kind: "text", content: words.join("") } });
}

/** Ends a direct tool call's stream; a chat's stays open (the real one may never end). */
export function closeStream(context: FlowContext, job: FlowJob, chat: boolean) {
  if (chat || context.settings.directStreamStaysOpen) return;
  job.push("complete", {});
  job.push("final", {});
  job.end();
}

/** The connection drops after the answer began: HTTP 200 and a body cut short (Chromium would resend a call closed before any answer). */
export function cutAnswer(c: Context): Promise<Response> | undefined {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (!outgoing) return undefined;
  outgoing.writeHead(200, { "content-type": "application/json", "content-length": "64" });
  outgoing.write('{"job_');
  setTimeout(() => outgoing.socket?.destroy(), 50);
  return new Promise<Response>(() => undefined);
}

/** A create-song call (compose or chat): counted, priced, and — when taken — a job whose stream names the clips. */
export function createSong(
  context: FlowContext,
  c: Context,
  account: string,
  request: SongRequest,
): Response | Promise<Response> {
  const { settings, faults, store } = context;
  const stats = context.stats();
  bump(stats.generationCalls, account);
  context.recordSubmission(request.soundPrompt);
  const songs = Math.max(1, Math.min(2, settings.songsPerGeneration));
  const price = settings.creditsPerSong * songs;
  if (faults.fire("quota-exhausted") || store.balance(account) < price) {
    stats.refusedForCredits += 1;
    return c.json({ detail: "Not enough credits. You're out of credits." }, 402);
  }
  const job = new FlowJob(account);
  context.jobs.set(job.id, job);
  const chat = request.chatMessage !== undefined;
  const call: ToolPart = {
    part_kind: "tool-call",
    tool_name: "audio__create_song",
    args: request.args,
    tool_call_id: request.toolCallId,
  };
  openStream(job, request.conversationId, request.chatMessage);
  if (faults.fire("no-start")) {
    // Taken, but nothing starts and nothing is charged: the stream shows the call and never its return.
    sendToolCall(job, call);
    return c.json({ job_id: job.id });
  }
  if (faults.fire("stream-error")) {
    // Refused by moderation before any tool call: an error event, no ids, nothing charged.
    job.later(settings.toolReturnDelayMs, () => {
      job.push("error", {
        type: "moderation",
        message: "Your request was flagged by our content filter. Try a different description.",
        raw_error: "moderation: prompt flagged",
      });
      closeStream(context, job, false);
    });
    return c.json({ job_id: job.id });
  }
  store.setBalance(account, store.balance(account) - price);
  stats.creditsCharged += price;
  bump(stats.generationsStarted, account);
  // A chat's song is made by the assistant's own audio__create_song call: counted there too.
  bump(stats.toolRuns, "audio__create_song");
  const now = Date.now();
  const seed = request.seed ?? createHash("sha256").update(request.soundPrompt).digest().readUInt32BE(0) % 2 ** 31;
  const asked = askedLengthSecs(request.lyricsText);
  const noAudio = faults.fire("song-without-audio");
  const failure = faults.fire("song-failed")
    ? { error_type: "generation_failed", error_message: "This song could not be generated. Try another description." }
    : undefined;
  const planned = planSongs(`${request.soundPrompt}\n${request.lyricsText}\n${seed}`, {
    count: songs,
    durationSecs: settings.songDurationSecs,
  });
  const operations: FlowOperation[] = [];
  const clips = planned.map((song, index): FlowClip => {
    if (index === 0 || settings.songPairs !== "one-operation")
      operations.push({
        ...newOperation(context, account, "audio__create_song", now),
        ...(failure ? { failure } : {}),
      });
    const durationSecs = asked ?? song.durationSecs;
    return {
      id: song.id,
      // With a title, every song of the generation carries it; rows are then told apart by their links.
      title: request.title || song.title,
      opId: (operations.at(-1) as FlowOperation).opId,
      opType: "audio__create_song",
      account,
      durationSecs,
      audioSecs: Math.min(durationSecs, settings.maxAudioSecs),
      hasAudio: !(noAudio && index === 0),
      soundPrompt: request.soundPrompt,
      lyricsId: request.lyricsId,
      lyricsText: request.lyricsText,
      // The operation's seed is the one asked; the two songs still differ (their audio follows the clip id).
      seed,
      createdAt: now,
      ...(request.model ? { model: request.model } : {}),
    };
  });
  for (const operation of operations)
    store.addOperation(
      operation,
      clips.filter((clip) => clip.opId === operation.opId),
    );
  if (clips.length > 1 && faults.fire("duplicate-audio")) {
    const [first, second] = clips as [FlowClip, FlowClip];
    second.audioOf = { id: first.id, title: first.title, durationSecs: first.audioSecs };
  }
  sendToolCall(job, call);
  announceSongs(context, job, call, clips, chat);
  if (faults.fire("reply-lost")) {
    const cut = cutAnswer(c);
    if (cut) return cut;
  }
  return c.json({ job_id: job.id });
}

/**
 * The tool-return naming a take's songs, a little after the call: one for the take, or (`songPairs:
 * "ab-test-returns"`) one for each song of an A/B pair; then the end of a direct call's stream.
 */
function announceSongs(context: FlowContext, job: FlowJob, call: ToolPart, clips: FlowClip[], chat: boolean) {
  const { settings } = context;
  const estimated_time = Math.max(1, Math.ceil(settings.generationMs / 1000));
  const abTestId = settings.songPairs !== "one-operation" && clips[1] ? randomUUID() : undefined;
  const finish = () => {
    if (chat) {
      job.push("generated-title", { title: clips[0]?.title });
      job.push("suggestion", { suggestions: ["Make it longer", "Add vocals"] });
    }
    closeStream(context, job, chat);
  };
  // The ids come only with the tool-return, a little after the call (the real one takes a few seconds).
  if (settings.songPairs === "ab-test-returns" && abTestId) {
    // One tool-return a song of the pair, each a while after the last, the stream ending after both.
    const returnOf = (clip: FlowClip) => () =>
      sendToolReturn(context, job, call, {
        status: "pending",
        operation_id: clip.opId,
        clip_id: clip.id,
        a_b_test_id: abTestId,
        estimated_time,
      });
    clips.forEach((clip, index) => {
      job.later(settings.toolReturnDelayMs * (index + 1), returnOf(clip));
    });
    job.later(settings.toolReturnDelayMs * clips.length, finish);
  } else {
    job.later(settings.toolReturnDelayMs, () => {
      sendToolReturn(context, job, call, {
        status: "pending",
        operation_id: (clips[0] as FlowClip).opId,
        clip_id: clips[0]?.id,
        ...(clips[1] ? { clip_id_b: clips[1].id } : {}),
        ...(abTestId ? { a_b_test_id: abTestId } : {}),
        estimated_time,
      });
      finish();
    });
  }
}

/** `audio__split_stems`: free; four stem clips of the parent, named "<title> - vocals" and so on. */
export function splitStems(
  context: FlowContext,
  c: Context,
  account: string,
  parentId: string,
  toolCallId: string,
  conversationId: string,
): Response {
  const parent = context.store.clips.get(parentId);
  if (!parent || parent.account !== account) return c.json({ detail: "Clip not found" }, 404);
  if (!context.store.isDone(parent)) return c.json({ detail: "The song is not ready yet" }, 400);
  context.stats().stemSplits += 1;
  bump(context.stats().toolRuns, "audio__split_stems");
  const job = new FlowJob(account);
  context.jobs.set(job.id, job);
  openStream(job, conversationId, undefined);
  const operation = newOperation(context, account, "audio__split_stems", Date.now());
  const stems = STEM_PARTS.map(
    (part): FlowClip => ({
      id: randomUUID(),
      title: `${parent.title} - ${part}`,
      opId: operation.opId,
      opType: "audio__split_stems",
      account,
      durationSecs: parent.durationSecs,
      audioSecs: parent.audioSecs,
      hasAudio: true,
      soundPrompt: parent.soundPrompt,
      lyricsId: null,
      lyricsText: "",
      seed: parent.seed,
      createdAt: operation.createdAt,
      parentId: parent.id,
    }),
  );
  context.store.addOperation(operation, stems);
  const call: ToolPart = {
    part_kind: "tool-call",
    tool_name: "audio__split_stems",
    args: { clip_id: parent.id },
    tool_call_id: toolCallId,
  };
  sendToolCall(job, call);
  job.later(context.settings.toolReturnDelayMs, () => {
    sendToolReturn(context, job, call, {
      status: "pending",
      stems: stems.map((stem, index) => ({ stem_type: STEM_PARTS[index], clip_id: stem.id })),
    });
    closeStream(context, job, false);
  });
  return c.json({ job_id: job.id });
}

/** A tool-call id like the page makes one. */
export const newToolCallId = () => `call_${randomBytes(12).toString("hex")}`;
