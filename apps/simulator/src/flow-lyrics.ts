import { createHash } from "node:crypto";
import type { Context } from "hono";
import type { FlowContext } from "./flow-context.js";
import { closeStream, sendToolReturn } from "./flow-generation.js";
import {
  answerJob,
  chargeToolRun,
  countFault,
  failToolCall,
  takeToolCall,
  type ToolCallRequest,
} from "./flow-tool-job.js";

/** The namespace the app's lyrics ids are uuid v5 names in (facts: "Lyrics"). */
const LYRICS_NAMESPACE = "b8f9e3a1-7c2d-4f5e-9a8b-1c3d5e7f9a2b";

/** uuid v5 (SHA-1) of the UTF-8 text in the lyrics namespace, as the app names lyrics. */
export function lyricsUuid(text: string): string {
  const hash = createHash("sha1")
    .update(Buffer.from(LYRICS_NAMESPACE.replace(/-/g, ""), "hex"))
    .update(text, "utf8")
    .digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Lyrics registered by `lyrics__register`, by id, with the account that registered them. */
const registered = new WeakMap<FlowContext, Map<string, { account: string; text: string }>>();
const registry = (context: FlowContext) => {
  const map = registered.get(context) ?? new Map<string, { account: string; text: string }>();
  registered.set(context, map);
  return map;
};

const words = (prompt: string) => prompt.split(/\s+/).filter(Boolean);

/** Lyrics written for a prompt: the same prompt always gives the same title and verses. */
function written(prompt: string): { title: string; lyrics: string } {
  const some = words(prompt).slice(0, 4);
  const title = some.map((word) => word[0]?.toUpperCase() + word.slice(1)).join(" ");
  const lyrics = [
    "[Verse 1]",
    `I was thinking of ${prompt}`,
    "and the night was long",
    "",
    "[Chorus]",
    `${some.join(" ")}, ${some.join(" ")}`,
    "sing it like a song",
  ].join("\n");
  return { title, lyrics };
}

/** The tool's answer after `toolReturnDelayMs`, the stream then closed; a run counted, nothing charged. */
function answerLater(
  context: FlowContext,
  c: Context,
  request: ToolCallRequest,
  answer: () => Record<string, unknown> | string,
) {
  const { job, call } = takeToolCall(context, request);
  if (context.faults.fire("stream-error")) {
    countFault(context, "stream-error");
    // Lyrics refused by moderation: an error event and no tool-return.
    job.later(context.settings.toolReturnDelayMs, () => {
      job.push("error", {
        type: "moderation",
        message: "Your lyrics request was flagged by our content filter.",
        raw_error: "moderation: prompt flagged",
      });
      closeStream(context, job, false);
    });
    return c.json({ job_id: job.id });
  }
  const made = answer();
  if (typeof made === "string") {
    failToolCall(context, job, call, made);
    return c.json({ job_id: job.id });
  }
  // The facts price no lyrics tool: a run is counted, no credit taken.
  chargeToolRun(context, request.account, call.tool_name, 0);
  job.later(context.settings.toolReturnDelayMs, () => {
    sendToolReturn(context, job, call, made);
    closeStream(context, job, false);
  });
  return answerJob(context, c, job);
}

const textArg = (value: unknown) => (typeof value === "string" ? value.trim() : "");

/** `lyrics__create { prompt }` → `{ title, lyrics }` (a 429 under `busy` comes before, as for every tool call). */
export function createLyrics(context: FlowContext, c: Context, request: ToolCallRequest): Response | Promise<Response> {
  const prompt = textArg(request.args.prompt);
  return answerLater(context, c, request, () => (prompt ? written(prompt) : "prompt is required"));
}

/** `lyrics__register { lyrics }` → `{ lyrics_id }`: the id is uuid v5 of the text, kept for `lyrics__edit`. */
export function registerLyrics(
  context: FlowContext,
  c: Context,
  request: ToolCallRequest,
): Response | Promise<Response> {
  const text = typeof request.args.lyrics === "string" ? request.args.lyrics : "";
  return answerLater(context, c, request, () => {
    if (!text.trim()) return "lyrics are required";
    const id = lyricsUuid(text);
    registry(context).set(id, { account: request.account, text });
    return { lyrics_id: id };
  });
}

/** `lyrics__edit { prompt, lyrics_id }` → `{ lyrics }`: the registered lyrics rewritten as the prompt asks. */
export function editLyrics(context: FlowContext, c: Context, request: ToolCallRequest): Response | Promise<Response> {
  const prompt = textArg(request.args.prompt);
  const kept = registry(context).get(String(request.args.lyrics_id ?? ""));
  return answerLater(context, c, request, () => {
    if (!kept || kept.account !== request.account) return `lyrics ${String(request.args.lyrics_id)} not found`;
    if (!prompt) return "prompt is required";
    return { lyrics: `${kept.text.trimEnd()}\n\n[Bridge]\n(rewritten: ${prompt})` };
  });
}
