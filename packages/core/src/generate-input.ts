import { z } from "zod";
import {
  ACCOUNT_NAME,
  AUDIO_FORMATS,
  unsupportedControls,
  type AudioFormat,
  type ResolvedSite,
} from "@producer/config";
import { InvalidInputError, type GenerationRequest, type SongOperation } from "@producer/utils";
import { withListedModels } from "./site-tasks/model-listing.js";
import { webhookUrlProblem, type WebhookPolicy } from "./webhook-policy.js";

export const LIMITS = {
  promptChars: 3000,
  titleChars: 200,
  lyricsChars: 10_000,
  idChars: 128,
  idempotencyKeyChars: 200,
  webhookUrlChars: 2048,
} as const;

// Control characters other than tab and newline have no place in user text.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the pattern exists to find them
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const ID_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}._:@-]*$/u;

export const typeError = (expected: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? "is required" : `must be ${expected}`;

/** User text: NFC, trimmed, bounded in characters (not UTF-16 units), no control characters. */
export function text(
  maxChars: number,
  options: { required?: boolean; pattern?: RegExp; patternMessage?: string } = {},
) {
  return z
    .string({ error: typeError("a string") })
    .transform((value) => value.normalize("NFC").trim())
    .refine(
      (value) => value !== "",
      options.required ? "must not be empty" : "must not be blank (leave it out instead)",
    )
    .refine((value) => [...value].length <= maxChars, `must be at most ${maxChars} characters`)
    .refine((value) => !CONTROL.test(value), "must not contain control characters")
    .refine(
      (value) => !options.pattern || value === "" || options.pattern.test(value),
      options.patternMessage ?? "has an invalid form",
    );
}

/** A whole number in [min, max], with one message for every way to miss it. */
export const whole = (min: number, max: number, what = "a whole number") => {
  const message = `must be ${what} from ${min} to ${max}`;
  return z
    .number({ error: typeError("a number") })
    .int(message)
    .min(min, message)
    .max(max, message);
};

export const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined);
export const idText = text(LIMITS.idChars, {
  pattern: ID_PATTERN,
  patternMessage: "must start with a letter or digit and use only letters, digits, . _ : @ -",
});

/**
 * A `generateMusic` call: the one schema the service validates with and the daemon publishes as OpenAPI.
 * `null` counts as absent; unknown fields are refused, so a typo never passes silently.
 */
export const generateMusicInputSchema = z.strictObject({
  prompt: text(LIMITS.promptChars, { required: true }).describe("What to make, in words (the chat message)."),
  title: optional(text(LIMITS.titleChars)).describe("A title hint; the site names the songs."),
  projectId: optional(idText).describe("Your project; part of the storage key."),
  userId: optional(idText).describe("Your user; part of the storage key."),
  lyrics: optional(text(LIMITS.lyricsChars)).describe("Lyrics to sing."),
  lyricsPrompt: optional(text(LIMITS.promptChars)).describe(
    "Instead of lyrics: what the lyrics should be about; the site writes them first (its lyrics tool), and the song sings them. Kept on the job and its tracks.",
  ),
  instrumental: optional(z.boolean({ error: typeError("true or false") })).describe("No vocals."),
  format: optional(
    z
      .string({ error: typeError(`one of ${AUDIO_FORMATS.join(", ")}`) })
      .transform((value) => value.toLowerCase())
      .pipe(z.enum(AUDIO_FORMATS, { error: `must be one of ${AUDIO_FORMATS.join(", ")}` })),
  ).describe("Audio format to download; the configured default when absent."),
  mode: optional(z.enum(["compose", "chat"], { error: "must be compose or chat" })).describe(
    "compose (the app's compose panel; the default where the site has one) or chat.",
  ),
  model: optional(text(64)).describe("The model, one of the site profile's (lyria-3.5, lyria-3-pro on flow-2026)."),
  bpm: optional(whole(40, 300)).describe("Tempo in beats per minute."),
  durationSecs: optional(whole(10, 600, "whole seconds")).describe(
    "Song length in seconds; the site picks (Auto) when absent.",
  ),
  seed: optional(whole(0, 4_294_967_295)).describe("Seed, for repeatable generations."),
  describe: optional(z.boolean({ error: typeError("true or false") })).describe(
    "Also describe every song once stored (the site's caption and transcribe tools, little or no cost): its caption and sung lyrics kept on its track, for searching.",
  ),
  stems: optional(z.boolean({ error: typeError("true or false") })).describe(
    "Also split every song into vocals, drums, bass and other, stored as tracks of their own.",
  ),
  referenceClipId: optional(idText).describe(
    "A clip of the account's library (an upload's clipId, or a song's) the new song takes as its reference track: asked by chat, the prompt as the sound. Runs on the account that holds it (the named account, else the one a stored track of that clip was made on).",
  ),
  image: optional(z.boolean({ error: typeError("true or false") })).describe(
    "Also make one cover image after the songs (the site's image tool), stored beside the audio and linked from each track.",
  ),
  imagePrompt: optional(text(LIMITS.promptChars)).describe(
    "What the cover image shows (implies image: true); the song's prompt when absent.",
  ),
  useQueue: optional(z.boolean({ error: typeError("true or false") })).describe(
    "Queue the job (default) or run it now and wait.",
  ),
  priority: optional(whole(-100, 100)).describe("Higher runs first."),
  account: optional(
    text(40, { pattern: ACCOUNT_NAME, patternMessage: "must be an account name (lowercase letters, digits, - and _)" }),
  ).describe("Run on this account (of several); one is picked when absent. A walled account makes the job wait."),
  idempotencyKey: optional(text(LIMITS.idempotencyKeyChars)).describe(
    "The same key with the same input returns the same job instead of a second generation.",
  ),
  webhookUrl: optional(
    text(LIMITS.webhookUrlChars, {
      pattern: /^https?:\/\/[^\s/]+\S*$/i,
      patternMessage: "must be an http(s) URL",
    }).refine((value) => URL.canParse(value), "must be an http(s) URL"),
  ).describe(
    "Receives the final job as a signed POST: http(s), no user name or password, and by default a public address (the daemon's webhooks settings widen or narrow that).",
  ),
});

/** What `generateMusic` takes: the earlier service's call, in TypeScript. */
export type GenerateMusicInput = z.input<typeof generateMusicInputSchema>;

/**
 * The input once checked: defaults applied, text trimmed. What the site is asked, and what only the queue and
 * storage need.
 */
export interface JobInput extends GenerationRequest {
  projectId?: string;
  userId?: string;
  instrumental: boolean;
  priority: number;
  /** The account the job must run on. */
  account?: string;
  /** Set for an operation on an existing song (extend, cover, …) instead of a new song. */
  operation?: SongOperation;
  /** The song an operation acts on: its site clip, and our track when it was given as one. */
  source?: OperationSource;
  /** Lyrics to write before the song (`lyricsPrompt`); once written they are `lyrics`, kept on the job. */
  lyricsPrompt?: string;
  /** Describe each song once stored (`describe: true`): caption and transcript on its track. */
  describe?: true;
  /** A cover image to make after the songs (`image: true` or `imagePrompt`), with what it shows. */
  image?: { prompt: string };
}

/** The source of an operation job, resolved: always a clip id; the track and title when it was one of ours. */
export interface OperationSource {
  clipId: string;
  trackId?: string;
  title?: string;
}

/** Zod issues as `{ path, message }` fields; an unknown key is named on its own. */
export function issuesToFields(issues: readonly z.core.$ZodIssue[]): Array<{ path: string; message: string }> {
  return issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ path: [...issue.path, key].join("."), message: "is not a known field" }))
      : [{ path: issue.path.join("."), message: issue.message }],
  );
}

/** Adds the daemon's webhook policy's objection to `fields`, if any: the policy is configuration, not the published shape. */
export function checkWebhookPolicy(
  raw: object,
  fields: Array<{ path: string; message: string }>,
  policy: WebhookPolicy | undefined,
): void {
  const webhookUrl = (raw as { webhookUrl?: unknown }).webhookUrl;
  if (
    typeof webhookUrl === "string" &&
    !fields.some((field) => field.path === "webhookUrl") &&
    URL.canParse(webhookUrl.trim())
  ) {
    const problem = webhookUrlProblem(new URL(webhookUrl.trim()), policy ?? {});
    if (problem) fields.push({ path: "webhookUrl", message: problem });
  }
}

/** A job may name only an account some daemon runs. */
export function assertKnownAccount(account: string, accounts: readonly string[] | undefined): void {
  if (accounts && !accounts.includes(account)) {
    throw new InvalidInputError(
      `There is no account ${JSON.stringify(account)}; the accounts are ${accounts.join(", ")}.`,
      [{ path: "account", message: `must be one of ${accounts.join(", ")}` }],
    );
  }
}

/**
 * Checks a `generateMusic` call. Every problem is collected, then one `InvalidInputError` names each field —
 * nothing half-valid is ever queued.
 */
export function parseGenerateInput(
  raw: unknown,
  defaults: {
    format: AudioFormat;
    site?: Pick<ResolvedSite, "profile" | "controls" | "modes" | "models" | "formats">;
    /** The configured account names: a job may name only one of them. */
    accounts?: readonly string[];
    /** Where webhooks may go; without it, only public addresses. */
    webhooks?: WebhookPolicy;
  },
): { job: JobInput; useQueue: boolean; idempotencyKey?: string; webhookUrl?: string } {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new InvalidInputError("The request must be an object with at least a prompt.", [
      { path: "", message: "must be an object" },
    ]);
  }
  const result = generateMusicInputSchema.safeParse(raw);
  const fields = result.success ? [] : issuesToFields(result.error.issues);
  checkWebhookPolicy(raw, fields, defaults.webhooks);
  const asked = raw as { lyrics?: unknown; lyricsPrompt?: unknown; instrumental?: unknown };
  if (asked.lyricsPrompt != null && (asked.lyrics != null || asked.instrumental === true))
    fields.push({
      path: "lyricsPrompt",
      message: "cannot be given with lyrics or instrumental (give lyrics to sing, or a prompt to write them)",
    });
  if (!result.success || fields.length > 0) {
    const problems = fields.map((field) => `${field.path} ${field.message}`).join("; ");
    throw new InvalidInputError(`Invalid generation request: ${problems}.`, fields);
  }
  const input = result.data;
  const job: JobInput = {
    prompt: input.prompt,
    instrumental: input.instrumental ?? false,
    format: input.format ?? defaults.format,
    priority: input.priority ?? 0,
  };
  if (input.title) job.title = input.title;
  if (input.lyrics) job.lyrics = input.lyrics;
  if (input.lyricsPrompt) job.lyricsPrompt = input.lyricsPrompt;
  if (input.projectId) job.projectId = input.projectId;
  if (input.userId) job.userId = input.userId;
  if (input.mode) job.mode = input.mode;
  if (input.model) job.model = input.model;
  if (input.bpm !== undefined) job.bpm = input.bpm;
  if (input.durationSecs !== undefined) job.durationSecs = input.durationSecs;
  if (input.seed !== undefined) job.seed = input.seed;
  if (input.stems) job.stems = true;
  if (input.referenceClipId) job.referenceClipId = input.referenceClipId;
  if (input.describe) job.describe = true;
  if (input.image || input.imagePrompt) job.image = { prompt: input.imagePrompt ?? input.prompt };
  if (input.account) {
    assertKnownAccount(input.account, defaults.accounts);
    job.account = input.account;
  }
  if (defaults.site) {
    const unsupported = unsupportedControls(withListedModels(defaults.site), {
      ...job,
      lyrics: job.lyrics ?? job.lyricsPrompt,
    });
    if (unsupported.length > 0) {
      const problems = unsupported.map((field) => `${field.path} ${field.message}`).join("; ");
      throw new InvalidInputError(
        `Invalid generation request for the ${defaults.site.profile} site profile: ${problems}.`,
        unsupported,
      );
    }
  }
  return {
    job,
    useQueue: input.useQueue ?? true,
    ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
    ...(input.webhookUrl ? { webhookUrl: input.webhookUrl } : {}),
  };
}
