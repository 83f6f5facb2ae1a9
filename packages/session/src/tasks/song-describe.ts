import { InvalidInputError, NotFoundError, SiteChangedError, type SubmissionRecord } from "@producer/utils";
import type { FlowContext } from "../flow-context.js";
import type { SiteTaskHandler } from "./site-task-handler.js";

/** What the caption is asked to tell when the task names nothing else. */
export const DEFAULT_CAPTION_PROMPT =
  "Describe the musical style, instruments, vocals, and overall mood of this track.";

/** The clip's audio link, as `/__api/clips` gives it; NOT_FOUND (nothing sent) when the account has no such done song. */
async function audioUrlOf(context: FlowContext, clipId: string): Promise<string> {
  const { traffic } = context;
  await traffic.fetchJson("clips", { method: "POST", body: { clip_ids: [clipId] } });
  const clip = traffic.clips.get(clipId);
  if (!clip?.done || !clip.audioUrl) {
    throw new NotFoundError(
      clip
        ? `The song ${clipId} has no finished audio on the site; nothing was sent.`
        : `This account's library has no song ${clipId}; nothing was sent.`,
      { details: { step: "source", clipId } },
    );
  }
  return clip.audioUrl;
}

/** The text field `key` of a tool's answer; SITE_CHANGED when the answer has none. */
function textOf(content: Record<string, unknown>, key: string, tool: string): string {
  const value = content[key];
  if (typeof value === "string") return value;
  throw new SiteChangedError(`The ${tool} tool answered without its \`${key}\` text; nothing else was asked.`, {
    details: { step: "tool", profileKeys: ["answers.toolReturns"], answerKeys: Object.keys(content) },
  });
}

/**
 * `song.describe { clipId, prompt? }` → `{ clipId, caption, lyrics, model }`: the clip's `audio_url` from
 * `/__api/clips`, then one `audio__caption { prompt, audio_url }`, one `audio__transcribe { audio_url }` and (where
 * the profile names `tools.songMetadata`) one `songs__get_metadata { clip_id }` call, each read from its
 * tool-return. The facts price caption and transcribe at "little or nothing". `model` is the metadata's
 * `model_display_name`, null where the profile names no metadata tool or the answer has no such text.
 */
export const describeSong: SiteTaskHandler = async (task, { context, engine }) => {
  const { caption: captionTool, transcribe: transcribeTool, songMetadata: metadataTool } = context.site.tools;
  if (!captionTool || !transcribeTool) {
    throw new InvalidInputError(
      `The ${context.site.profile} profile names no caption or transcribe tool (tools.caption, tools.transcribe); nothing was sent.`,
      [{ path: "kind", message: "needs tools.caption and tools.transcribe in the site profile" }],
    );
  }
  const clipId = String(task.clipId);
  const prompt = typeof task.prompt === "string" && task.prompt.trim() ? task.prompt.trim() : DEFAULT_CAPTION_PROMPT;
  const audioUrl = await audioUrlOf(context, clipId);
  const record = (what: string): SubmissionRecord => ({
    state: "sending",
    submittedAt: new Date().toISOString(),
    prompt: `${what} ${clipId}`,
  });
  const captioned = await engine.ask(captionTool, { prompt, audio_url: audioUrl }, record("caption"));
  const transcribed = await engine.ask(transcribeTool, { audio_url: audioUrl }, record("transcribe"));
  const metadata = metadataTool ? await engine.ask(metadataTool, { clip_id: clipId }, record("metadata")) : {};
  return {
    clipId,
    caption: textOf(captioned, "caption", captionTool),
    lyrics: textOf(transcribed, "lyrics", transcribeTool),
    model: typeof metadata.model_display_name === "string" ? metadata.model_display_name : null,
  };
};

/** The tasks of this file, by kind. */
export const DESCRIBE_TASKS = { "song.describe": describeSong } as const;
