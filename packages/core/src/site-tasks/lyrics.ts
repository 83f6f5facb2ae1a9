import { z } from "zod";
import { LIMITS, text } from "../generate-input.js";
import type { SiteTaskResult } from "./run-site-task.js";
import type { SiteTaskSpec } from "./site-task-spec.js";

/** What `writeLyrics` takes. */
export interface WriteLyricsInput {
  /** What the lyrics are about, in words. */
  prompt: string;
  /** Run on this account (of several). */
  account?: string;
}

/** What `lyrics.write` answers: the site's title and lyrics, and the lyrics' id as the app computes it. */
export interface WriteLyricsResult {
  title: string;
  lyrics: string;
  /** uuid v5 of the text in the app's namespace; `""` for blank text or a bare `[Instrumental]`. */
  lyricsId: string;
}

/** What `editLyrics` takes: the lyrics to rewrite and how. */
export interface EditLyricsInput {
  lyrics: string;
  prompt: string;
  account?: string;
}

/** What `lyrics.edit` answers: the rewritten lyrics and their id. */
export interface EditLyricsResult {
  lyrics: string;
  lyricsId: string;
}

/** A task's answer with its result typed. */
export type TaskAnswer<T> = SiteTaskResult & { result: T };

const prompt = text(LIMITS.promptChars, { required: true });

const writeLyrics: SiteTaskSpec = {
  schema: z.strictObject({
    prompt: prompt.describe("What the lyrics are about, in words (the site writes them with `lyrics__create`)."),
  }),
};

const editLyrics: SiteTaskSpec = {
  schema: z.strictObject({
    lyrics: text(LIMITS.lyricsChars, { required: true }).describe("The lyrics to rewrite."),
    prompt: prompt.describe("How to rewrite them, in words (`lyrics__register`, then `lyrics__edit`)."),
  }),
};

/** The lyrics tasks: `lyrics.write { prompt }` and `lyrics.edit { lyrics, prompt }`. */
export const LYRICS_TASK_SPECS = { "lyrics.write": writeLyrics, "lyrics.edit": editLyrics } as const;
