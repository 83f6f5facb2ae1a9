import { AUDIO_FORMATS, type AudioFormat } from "@producer/config";
import { InvalidInputError } from "@producer/utils";

/** What `generateMusic` takes: the earlier service's call, in TypeScript. */
export interface GenerateMusicInput {
  prompt: string;
  title?: string;
  projectId?: string;
  userId?: string;
  lyrics?: string;
  instrumental?: boolean;
  /** `wav` (default from config), `mp3` or `m4a`. */
  format?: AudioFormat;
  /** Queue the job (default) or run it now and wait for the result. */
  useQueue?: boolean;
  /** Higher runs first; -100 to 100. */
  priority?: number;
  /** The same key with the same input returns the same job instead of a second generation. */
  idempotencyKey?: string;
  /** Receives the final job as a signed POST. */
  webhookUrl?: string;
}

/** The input once checked: defaults applied, text trimmed. */
export interface JobInput {
  prompt: string;
  title?: string;
  projectId?: string;
  userId?: string;
  lyrics?: string;
  instrumental: boolean;
  format: AudioFormat;
  priority: number;
}

export const LIMITS = {
  promptChars: 3000,
  titleChars: 200,
  lyricsChars: 10_000,
  idChars: 128,
  idempotencyKeyChars: 200,
  webhookUrlChars: 2048,
} as const;

type Field = { path: string; message: string };

// Control characters other than tab and newline have no place in user text.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function text(
  input: Record<string, unknown>,
  key: string,
  fields: Field[],
  options: { required?: boolean; max: number; pattern?: RegExp; patternMessage?: string },
): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) {
    if (options.required) fields.push({ path: key, message: "is required" });
    return undefined;
  }
  if (typeof value !== "string") {
    fields.push({ path: key, message: `must be a string, not ${Array.isArray(value) ? "an array" : typeof value}` });
    return undefined;
  }
  const trimmed = value.normalize("NFC").trim();
  if (trimmed === "") {
    if (options.required) fields.push({ path: key, message: "must not be empty" });
    else fields.push({ path: key, message: "must not be blank (leave it out instead)" });
    return undefined;
  }
  if ([...trimmed].length > options.max) {
    fields.push({ path: key, message: `must be at most ${options.max} characters (got ${[...trimmed].length})` });
    return undefined;
  }
  if (CONTROL.test(trimmed)) {
    fields.push({ path: key, message: "must not contain control characters" });
    return undefined;
  }
  if (options.pattern && !options.pattern.test(trimmed)) {
    fields.push({ path: key, message: options.patternMessage ?? "has an invalid form" });
    return undefined;
  }
  return trimmed;
}

const ID_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}._:@-]*$/u;
const KNOWN_KEYS = new Set([
  "prompt",
  "title",
  "projectId",
  "userId",
  "lyrics",
  "instrumental",
  "format",
  "useQueue",
  "priority",
  "idempotencyKey",
  "webhookUrl",
]);

/**
 * Checks a `generateMusic` call. Every problem is collected, then one `InvalidInputError` names each field —
 * nothing half-valid is ever queued.
 */
export function parseGenerateInput(
  raw: unknown,
  defaults: { format: AudioFormat },
): { job: JobInput; useQueue: boolean; idempotencyKey?: string; webhookUrl?: string } {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new InvalidInputError("The request must be an object with at least a prompt.", [
      { path: "", message: "must be an object" },
    ]);
  }
  const input = raw as Record<string, unknown>;
  const fields: Field[] = [];
  for (const key of Object.keys(input)) {
    if (!KNOWN_KEYS.has(key)) fields.push({ path: key, message: "is not a known field" });
  }
  const prompt = text(input, "prompt", fields, { required: true, max: LIMITS.promptChars });
  const title = text(input, "title", fields, { max: LIMITS.titleChars });
  const lyrics = text(input, "lyrics", fields, { max: LIMITS.lyricsChars });
  const idMessage = "must start with a letter or digit and use only letters, digits, . _ : @ -";
  const projectId = text(input, "projectId", fields, { max: LIMITS.idChars, pattern: ID_PATTERN, patternMessage: idMessage });
  const userId = text(input, "userId", fields, { max: LIMITS.idChars, pattern: ID_PATTERN, patternMessage: idMessage });
  const idempotencyKey = text(input, "idempotencyKey", fields, { max: LIMITS.idempotencyKeyChars });
  const webhookUrl = text(input, "webhookUrl", fields, {
    max: LIMITS.webhookUrlChars,
    pattern: /^https?:\/\/[^\s]+$/i,
    patternMessage: "must be an http(s) URL",
  });
  if (webhookUrl) {
    try {
      new URL(webhookUrl);
    } catch {
      fields.push({ path: "webhookUrl", message: "must be an http(s) URL" });
    }
  }
  const booleanField = (key: string, fallback: boolean) => {
    const value = input[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== "boolean") fields.push({ path: key, message: "must be true or false" });
    return value === true;
  };
  const instrumental = booleanField("instrumental", false);
  const useQueue = booleanField("useQueue", true);
  let format = defaults.format;
  if (input.format !== undefined && input.format !== null) {
    if (typeof input.format === "string" && (AUDIO_FORMATS as readonly string[]).includes(input.format.toLowerCase())) {
      format = input.format.toLowerCase() as AudioFormat;
    } else {
      fields.push({ path: "format", message: `must be one of ${AUDIO_FORMATS.join(", ")}` });
    }
  }
  let priority = 0;
  if (input.priority !== undefined && input.priority !== null) {
    if (typeof input.priority === "number" && Number.isInteger(input.priority) && Math.abs(input.priority) <= 100) {
      priority = input.priority;
    } else {
      fields.push({ path: "priority", message: "must be a whole number from -100 to 100" });
    }
  }
  if (fields.length > 0 || prompt === undefined) {
    const names = [...new Set(fields.map((field) => field.path))].join(", ");
    throw new InvalidInputError(`Invalid generation request: ${names}.`, fields);
  }
  const job: JobInput = { prompt, instrumental, format, priority };
  if (title) job.title = title;
  if (lyrics) job.lyrics = lyrics;
  if (projectId) job.projectId = projectId;
  if (userId) job.userId = userId;
  return {
    job,
    useQueue,
    ...(idempotencyKey ? { idempotencyKey } : {}),
    ...(webhookUrl ? { webhookUrl } : {}),
  };
}
