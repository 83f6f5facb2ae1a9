import type { SongOperation, SongOperationKind } from "@producer/utils";
import type { GenerateMusicResult } from "./job.js";
import type { OperateInput } from "./operation-input.js";

/** What every operation helper takes besides its own settings: the source, and the job's options. */
export type OperationCommon = Omit<OperateInput, "operation" | "source"> &
  ({ trackId: string; clipId?: never } | { clipId: string; trackId?: never });

type Settings<Kind extends SongOperationKind> = Omit<Extract<SongOperation, { kind: Kind }>, "kind">;

/** `extend({ trackId | clipId, seconds, fromSecs?, prompt?, seed? })`: the song made longer. */
export type ExtendInput = OperationCommon & Settings<"extend">;
/** `replace({ trackId | clipId, regions, prompt, seed? })`: the regions redone. */
export type ReplaceInput = OperationCommon & Settings<"replace">;
/** `cover({ trackId | clipId, prompt, strength?, seed? })`: a new version. */
export type CoverInput = OperationCommon & Settings<"cover">;
/** `stems({ trackId | clipId })`: vocals, drums, bass and other. */
export type StemsInput = OperationCommon;
/** `trim({ trackId | clipId, startSecs, endSecs })`. */
export type TrimInput = OperationCommon & Settings<"trim">;
/** `speed({ trackId | clipId, factor, semitones? })`. */
export type SpeedInput = OperationCommon & Settings<"speed">;
/** `convert({ trackId | clipId, format })`: free, no new clip. */
export type ConvertInput = OperationCommon & Omit<Settings<"convert">, "format"> & { format: string };

/** `importSong({ clipId, format? })`: a song of the library stored as it is; free. */
export type ImportInput = OperationCommon;

/** The options every operation shares; the rest of a helper's input is the operation's own settings. */
const COMMON_KEYS = new Set([
  "trackId",
  "clipId",
  "title",
  "projectId",
  "userId",
  "priority",
  "account",
  "idempotencyKey",
  "webhookUrl",
  "useQueue",
]);

/**
 * A helper's flat input as the `operate` call it stands for. A convert's `format` is the operation's; every other
 * operation's `format` is the download format.
 */
export function operationInput(kind: SongOperationKind, input: object): OperateInput {
  const job: Record<string, unknown> = {};
  const settings: Record<string, unknown> = { kind };
  for (const [key, value] of Object.entries(input)) {
    if (COMMON_KEYS.has(key) || (key === "format" && kind !== "convert")) job[key] = value;
    else settings[key] = value;
  }
  const { trackId, clipId, ...rest } = job;
  return {
    ...rest,
    operation: settings as OperateInput["operation"],
    source: trackId !== undefined ? { trackId: trackId as string } : { clipId: clipId as string },
  } as OperateInput;
}

/**
 * The typed helpers of `operate`, one per operation, shared by the in-process service and the daemon's client:
 * `producer.extend({ trackId, seconds: 30 })` is `operate({ operation: { kind: "extend", seconds: 30 }, source: { trackId } })`.
 */
export abstract class SongOperations {
  abstract operate(input: OperateInput): Promise<GenerateMusicResult>;

  /** Makes the song longer by `seconds` (1–240), from `fromSecs` (its end when absent); paid like a song. */
  extend(input: ExtendInput): Promise<GenerateMusicResult> {
    return this.operate(operationInput("extend", input));
  }
  /** Redoes the regions as `prompt` says, keeping the rest; paid like a song. */
  replace(input: ReplaceInput): Promise<GenerateMusicResult> {
    return this.operate(operationInput("replace", input));
  }
  /** A new version of the song in the style `prompt` says; paid like a song. */
  cover(input: CoverInput): Promise<GenerateMusicResult> {
    return this.operate(operationInput("cover", input));
  }
  /** The song's vocals, drums, bass and other, each a track. */
  stems(input: StemsInput): Promise<GenerateMusicResult> {
    return this.operate(operationInput("stems", input));
  }
  /** Keeps only `startSecs`–`endSecs`. */
  trim(input: TrimInput): Promise<GenerateMusicResult> {
    return this.operate(operationInput("trim", input));
  }
  /** Plays it `factor` times as fast (0.5–2), shifted by `semitones` (−12 to 12). */
  speed(input: SpeedInput): Promise<GenerateMusicResult> {
    return this.operate(operationInput("speed", input));
  }
  /** The same song in another format: the site converts on download; free. */
  convert(input: ConvertInput): Promise<GenerateMusicResult> {
    return this.operate(operationInput("convert", input));
  }
  /**
   * Stores a song the account's library already has (one producer did not make, say) as a track, so it can be the
   * source of an operation; free, nothing is made. A song stored already in that format answers with its job.
   */
  importSong(input: ImportInput): Promise<GenerateMusicResult> {
    return this.operate(operationInput("import", input));
  }
}
