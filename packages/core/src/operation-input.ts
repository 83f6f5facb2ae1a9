import { z } from "zod";
import { AUDIO_FORMATS, type AudioFormat } from "@producer/config";
import { InvalidInputError, SONG_OPERATIONS, type SongOperation } from "@producer/utils";
import {
  assertKnownAccount,
  checkWebhookPolicy,
  generateMusicInputSchema,
  idText,
  issuesToFields,
  LIMITS,
  optional,
  text,
  typeError,
  whole,
  type JobInput,
  type OperationSource,
} from "./generate-input.js";
import type { WebhookPolicy } from "./webhook-policy.js";

/** The longest song position an operation may name: far past any song the site makes. */
const MAX_SECS = 3600;
const SEED_MAX = 4_294_967_295;

/** A number in [min, max], with one message for every way to miss it. */
const between = (min: number, max: number, what = "a number") => {
  const message = `must be ${what} from ${min} to ${max}`;
  return z
    .number({ error: typeError("a number") })
    .refine(Number.isFinite, message)
    .refine((value) => value >= min && value <= max, message);
};
const secs = (min: number, max = MAX_SECS) => between(min, max, "seconds");
const prompt = text(LIMITS.promptChars, { required: true });
const seed = optional(whole(0, SEED_MAX));
const format = z
  .string({ error: typeError(`one of ${AUDIO_FORMATS.join(", ")}`) })
  .transform((value) => value.toLowerCase())
  .pipe(z.enum(AUDIO_FORMATS, { error: `must be one of ${AUDIO_FORMATS.join(", ")}` }));

const region = z
  .strictObject({ startSecs: secs(0), endSecs: secs(0) })
  .refine((value) => value.startSecs < value.endSecs, { message: "must start before it ends", path: ["endSecs"] });

/** One operation and its settings, by `kind` (see `SongOperation` in @producer/utils). */
export const songOperationSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({
      kind: z.literal("extend"),
      seconds: secs(1, 240).describe("How many seconds to add, 1–240."),
      fromSecs: optional(secs(0)).describe("Where the new part starts; the song's end when absent."),
      prompt: optional(prompt).describe("What the new part should be."),
      seed,
    }),
    z.strictObject({
      kind: z.literal("replace"),
      regions: z
        .array(region, { error: typeError("a list of { startSecs, endSecs }") })
        .min(1, "must name at least one region")
        .max(20, "must name at most 20 regions")
        .describe("The stretches to redo, in seconds from the song's start; they may not overlap."),
      prompt: prompt.describe("What the regions should become."),
      seed,
    }),
    z.strictObject({
      kind: z.literal("cover"),
      prompt: prompt.describe("The new version's style, in words."),
      strength: optional(between(0, 1)).describe("0–1: low keeps more of the original."),
      seed,
    }),
    z.strictObject({ kind: z.literal("stems") }),
    z
      .strictObject({ kind: z.literal("trim"), startSecs: secs(0), endSecs: secs(0) })
      .refine((value) => value.startSecs < value.endSecs, {
        message: "must be after startSecs",
        path: ["endSecs"],
      }),
    z.strictObject({
      kind: z.literal("speed"),
      factor: between(0.5, 2).describe("How many times as fast, 0.5–2 (1 = the same)."),
      semitones: optional(whole(-12, 12)).describe("Pitch shift in semitones, −12 to 12."),
    }),
    z.strictObject({ kind: z.literal("convert"), format: format.describe("The format to convert to.") }),
    z.strictObject({ kind: z.literal("import") }).describe("Stores the song as it is, in the job's format; free."),
  ],
  { error: `kind must be one of ${SONG_OPERATIONS.join(", ")}` },
);

/** The song to act on: one of our tracks, or a clip of the account's library on the site. */
export const operationSourceSchema = z
  .strictObject({
    trackId: optional(idText).describe("A track this daemon stored."),
    clipId: optional(idText).describe("A clip id of the account's library on the site."),
  })
  .refine((value) => (value.trackId === undefined) !== (value.clipId === undefined), "must name a trackId or a clipId");

const common = generateMusicInputSchema.pick({
  title: true,
  format: true,
  projectId: true,
  userId: true,
  priority: true,
  account: true,
  idempotencyKey: true,
  webhookUrl: true,
  useQueue: true,
}).shape;

/**
 * An `operate` call: what to do to which song. The one schema the service validates with and the daemon
 * publishes as OpenAPI; unknown fields are refused.
 */
export const operateInputSchema = z.strictObject({
  operation: songOperationSchema,
  source: operationSourceSchema,
  ...common,
  title: common.title.describe("The title of the songs made; the source's title and the operation when absent."),
  account: common.account.describe(
    "The account whose library holds a clipId source (the daemon's first when absent); a trackId source runs on the account that made it.",
  ),
});

/** What `operate` takes. */
export type OperateInput = z.input<typeof operateInputSchema>;

/** A checked `operate` call whose source is not yet resolved to a clip and an account. */
export interface ParsedOperation {
  operation: SongOperation;
  source: { trackId: string } | { clipId: string };
  job: Omit<JobInput, "prompt" | "source" | "operation">;
  useQueue: boolean;
  idempotencyKey?: string;
  webhookUrl?: string;
}

const invalid = (fields: Array<{ path: string; message: string }>) =>
  new InvalidInputError(
    `Invalid operation request: ${fields.map((field) => `${field.path} ${field.message}`).join("; ")}.`,
    fields,
  );

/** Checks an `operate` call's shape; every problem is named at once, as `parseGenerateInput` does. */
export function parseOperateInput(
  raw: unknown,
  defaults: {
    format: AudioFormat;
    /** The formats the site profile downloads in. */
    formats: readonly string[];
    accounts?: readonly string[];
    webhooks?: WebhookPolicy;
  },
): ParsedOperation {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw invalid([{ path: "", message: "must be an object with an operation and a source" }]);
  }
  const result = operateInputSchema.safeParse(raw);
  const fields = result.success ? [] : issuesToFields(result.error.issues);
  checkWebhookPolicy(raw, fields, defaults.webhooks);
  if (result.success) {
    const { operation, format: asked } = result.data;
    const formatFields: Array<[string, string | undefined]> = [
      ["format", asked ?? undefined],
      ["operation.format", operation.kind === "convert" ? operation.format : undefined],
    ];
    for (const [path, value] of formatFields) {
      if (value !== undefined && !defaults.formats.includes(value))
        fields.push({ path, message: `must be one of ${defaults.formats.join(", ")} on this site profile` });
    }
    if (operation.kind === "convert" && asked && asked !== operation.format)
      fields.push({ path: "format", message: "must be left out or equal operation.format for a convert" });
    if (operation.kind === "replace") fields.push(...overlaps(operation.regions));
  }
  if (!result.success || fields.length > 0) throw invalid(fields);
  const input = result.data;
  if (input.account) assertKnownAccount(input.account, defaults.accounts);
  const operation = input.operation as SongOperation;
  const job: ParsedOperation["job"] = {
    instrumental: false,
    format: operation.kind === "convert" ? operation.format : (input.format ?? defaults.format),
    priority: input.priority ?? 0,
  };
  if (input.title) job.title = input.title;
  if (input.projectId) job.projectId = input.projectId;
  if (input.userId) job.userId = input.userId;
  if (input.account) job.account = input.account;
  return {
    operation,
    source: input.source.trackId ? { trackId: input.source.trackId } : { clipId: input.source.clipId as string },
    job,
    useQueue: input.useQueue ?? true,
    ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
    ...(input.webhookUrl ? { webhookUrl: input.webhookUrl } : {}),
  };
}

function overlaps(regions: ReadonlyArray<{ startSecs: number; endSecs: number }>) {
  const sorted = regions.map((value, index) => ({ ...value, index })).sort((a, b) => a.startSecs - b.startSecs);
  return sorted.slice(1).flatMap((value, position) => {
    const before = sorted[position] as (typeof sorted)[number];
    return value.startSecs < before.endSecs
      ? [{ path: `operation.regions.${value.index}`, message: `overlaps region ${before.index}` }]
      : [];
  });
}

/**
 * The positions an operation names that lie past the end of its source song; known only when the source is one
 * of our tracks (a clip's length is the site's to know).
 */
export function assertInsideSong(operation: SongOperation, durationSecs: number): void {
  const length = Math.round(durationSecs * 100) / 100;
  const past = (path: string, value: number | undefined) =>
    value !== undefined && value > durationSecs + 0.05
      ? [{ path, message: `must be inside the song (it is ${length} s long)` }]
      : [];
  const fields =
    operation.kind === "extend"
      ? past("operation.fromSecs", operation.fromSecs)
      : operation.kind === "replace"
        ? operation.regions.flatMap((value, index) => past(`operation.regions.${index}.endSecs`, value.endSecs))
        : operation.kind === "trim"
          ? past("operation.endSecs", operation.endSecs)
          : [];
  if (fields.length > 0) throw invalid(fields);
}

/** The job's prompt line for an operation: the edit's own words, else what is done to which song. */
export function operationPrompt(operation: SongOperation, source: OperationSource): string {
  if ("prompt" in operation && operation.prompt) return operation.prompt;
  return `${operation.kind} of ${source.title ?? source.clipId}`;
}
