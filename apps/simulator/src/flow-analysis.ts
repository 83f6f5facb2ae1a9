import type { Context } from "hono";
import type { FlowContext } from "./flow-context.js";
import { closeStream, sendToolReturn } from "./flow-generation.js";
import { FLOW_MODELS, type FlowClip } from "./flow-store.js";
import {
  answerJob,
  chargeToolRun,
  failToolCall,
  refuseForCredits,
  takeableSource,
  takeToolCall,
  type ToolCallRequest,
} from "./flow-tool-job.js";

/**
 * The analysis tools of the facts ("Analysis"): `audio__caption { prompt, audio_url }` → `{ caption }`,
 * `audio__transcribe { audio_url }` → `{ lyrics }` (the clip's `audio_url`), `songs__get_metadata { clip_id }` →
 * metadata with `model_display_name`. Each is a direct tool call answered on its stream; "caption / transcribe
 * little or nothing" in cost, so they cost nothing here. A clip the tool cannot take (not the account's, not
 * done, a link that names no clip) is the stream's `tool_call_failure`.
 */

/** The clip an `audio_url` names: `<storage>/clips/<id>.<ext>`, as the clips' answers give it. */
function clipOfAudioUrl(context: FlowContext, account: string, audioUrl: unknown): FlowClip | string {
  if (typeof audioUrl !== "string" || !audioUrl) return "audio_url is required";
  let pathname: string;
  try {
    pathname = new URL(audioUrl).pathname;
  } catch {
    return `audio_url ${audioUrl} is not a link`;
  }
  const id = /^\/clips\/([^/]+)\.(m4a|mp3|wav)$/.exec(pathname)?.[1];
  return id ? takeableSource(context, account, id) : `audio_url ${audioUrl} names no clip`;
}

/** The lines a singer sings: the clip's lyrics less its tags (`[Verse]`, `[End - m:ss]`); none for an instrumental. */
function sungLines(clip: FlowClip): string[] {
  return clip.lyricsText
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !/^\[[^\]]*\]$/.test(line));
}

/** A description of the song, made from what it was asked to be: its sound prompt (or title), length and voice. */
function captionOf(clip: FlowClip): string {
  const sung = sungLines(clip).length > 0;
  const what = clip.soundPrompt.trim() || clip.title;
  return `A ${Math.round(clip.durationSecs)}-second ${sung ? "song with vocals" : "instrumental"} titled "${clip.title}": ${what.replace(/\.$/, "")}.`;
}

/** What the song sings, line by line; `[Instrumental]` when it sings nothing. */
function transcriptOf(clip: FlowClip): string {
  const lines = sungLines(clip);
  return lines.length > 0 ? lines.join("\n") : "[Instrumental]";
}

/** Answers one analysis call: the tool-return's content from the clip, or the stream's failure. */
function analyse(
  context: FlowContext,
  c: Context,
  request: ToolCallRequest,
  source: FlowClip | string,
  answer: (clip: FlowClip) => Record<string, unknown>,
): Response | Promise<Response> {
  // Free, so only the `quota-exhausted` fault refuses it (402, before the call is taken).
  const refused = refuseForCredits(context, c, request.account, 0);
  if (refused) return refused;
  const { job, call } = takeToolCall(context, request);
  if (typeof source === "string") {
    failToolCall(context, job, call, source);
    return c.json({ job_id: job.id });
  }
  chargeToolRun(context, request.account, call.tool_name, 0);
  job.later(context.settings.toolReturnDelayMs, () => {
    sendToolReturn(context, job, call, answer(source));
    closeStream(context, job, false);
  });
  return answerJob(context, c, job);
}

/** `audio__caption { prompt, audio_url }` → `{ caption }`. */
export function audioCaption(context: FlowContext, c: Context, request: ToolCallRequest): Response | Promise<Response> {
  const { prompt, audio_url: audioUrl } = request.args;
  const source =
    typeof prompt === "string" && prompt.trim()
      ? clipOfAudioUrl(context, request.account, audioUrl)
      : "prompt is required";
  return analyse(context, c, request, source, (clip) => ({ caption: captionOf(clip) }));
}

/** `audio__transcribe { audio_url }` → `{ lyrics }`. */
export function audioTranscribe(
  context: FlowContext,
  c: Context,
  request: ToolCallRequest,
): Response | Promise<Response> {
  const source = clipOfAudioUrl(context, request.account, request.args.audio_url);
  return analyse(context, c, request, source, (clip) => ({ lyrics: transcriptOf(clip) }));
}

/** `songs__get_metadata { clip_id }` → metadata with `model_display_name` (the only field the facts name). */
export function songMetadata(context: FlowContext, c: Context, request: ToolCallRequest): Response | Promise<Response> {
  const source = takeableSource(context, request.account, request.args.clip_id);
  return analyse(context, c, request, source, (clip) => ({
    model_display_name: clip.model ?? FLOW_MODELS[0].public_name,
  }));
}
