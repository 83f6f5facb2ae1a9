import { InvalidInputError, SiteChangedError, type SiteTask, type SubmissionRecord } from "@producer/utils";
import { lyricsIdOf } from "@producer/utils";
import type { SiteTaskHandler, TaskContext } from "./site-task-handler.js";

type LyricsTool = "lyricsCreate" | "lyricsRegister" | "lyricsEdit";

/** The profile's name of a lyrics tool; INVALID_INPUT, before anything is sent, where the site has none. */
function toolName(on: TaskContext, key: LyricsTool): string {
  const name = on.context.site.tools[key];
  if (name) return name;
  throw new InvalidInputError(
    `The ${on.context.site.profile} profile names no lyrics tool (tools.${key}); nothing was sent.`,
    [{ path: "kind", message: `needs tools.${key} in the site profile` }],
  );
}

/** A text field of a tool's answer; SITE_CHANGED when the answer lacks it. */
function textOf(content: Record<string, unknown>, field: string, tool: string): string {
  const value = content[field];
  if (typeof value === "string") return value;
  throw new SiteChangedError(
    `The ${tool} answer carries no ${field} (it has ${Object.keys(content).join(", ") || "nothing"}).`,
    {
      details: { step: "tool", tool, answerKeys: Object.keys(content), profileKeys: ["answers.toolReturns"] },
    },
  );
}

/** Sends one lyrics tool call (recorded before it leaves) and answers its tool-return's content. */
async function ask(on: TaskContext, key: LyricsTool, args: Record<string, unknown>, prompt: string) {
  const tool = toolName(on, key);
  const record: SubmissionRecord = { state: "sending", submittedAt: new Date().toISOString(), prompt };
  return { tool, content: await on.engine.ask(tool, args, record) };
}

/** `lyrics.write { prompt }` → `{ title, lyrics, lyricsId }`: one `lyrics__create` call. */
const writeLyrics: SiteTaskHandler = async (task: SiteTask, on) => {
  const prompt = String(task.prompt);
  const { tool, content } = await ask(on, "lyricsCreate", { prompt }, prompt);
  const lyrics = textOf(content, "lyrics", tool);
  const title = typeof content.title === "string" ? content.title : "";
  return { title, lyrics, lyricsId: lyricsIdOf(lyrics) };
};

/** `lyrics.edit { lyrics, prompt }` → `{ lyrics, lyricsId }`: `lyrics__register` the text, then `lyrics__edit` it. */
const editLyrics: SiteTaskHandler = async (task: SiteTask, on) => {
  const prompt = String(task.prompt);
  const registered = await ask(on, "lyricsRegister", { lyrics: String(task.lyrics) }, prompt);
  const lyricsId = textOf(registered.content, "lyrics_id", registered.tool);
  const edited = await ask(on, "lyricsEdit", { prompt, lyrics_id: lyricsId }, prompt);
  const lyrics = textOf(edited.content, "lyrics", edited.tool);
  return { lyrics, lyricsId: lyricsIdOf(lyrics) };
};

/** The lyrics tasks: write lyrics for a prompt, rewrite given lyrics as a prompt asks. */
export const LYRICS_TASKS = { "lyrics.write": writeLyrics, "lyrics.edit": editLyrics } as const;
