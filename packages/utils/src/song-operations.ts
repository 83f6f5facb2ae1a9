import type { AudioFormat } from "@producer/config";

/**
 * What the app can do to a song that already exists, besides making a new one. Each runs on the account whose
 * library holds the source song, and each but `convert` makes new clips (paid like a song, at most once).
 */
export const SONG_OPERATIONS = ["extend", "replace", "cover", "stems", "trim", "speed", "convert"] as const;
export type SongOperationKind = (typeof SONG_OPERATIONS)[number];

/** A stretch of a song, in seconds from its start. */
export interface SongRegion {
  startSecs: number;
  endSecs: number;
}

/** One operation and what it needs; `prompt` is the edit's instruction. */
export type SongOperation =
  /** Makes the song longer by `seconds`, from `fromSecs` (the end when absent). */
  | { kind: "extend"; seconds: number; fromSecs?: number; prompt?: string; seed?: number }
  /** Redoes the regions as the prompt says; the rest is kept. */
  | { kind: "replace"; regions: SongRegion[]; prompt: string; seed?: number }
  /** A new version of the song; `strength` 0–1 (low keeps more of the original). */
  | { kind: "cover"; prompt: string; strength?: number; seed?: number }
  /** Splits the song into vocals, drums, bass and other. */
  | { kind: "stems" }
  /** Keeps only `startSecs`–`endSecs`. */
  | { kind: "trim"; startSecs: number; endSecs: number }
  /** Plays it `factor` times as fast (1 = same), shifted by `semitones` (0 = same). */
  | { kind: "speed"; factor: number; semitones?: number }
  /** The same song in another format: the site converts on download; no new clip, nothing spent. */
  | { kind: "convert"; format: AudioFormat };

/** The song an operation acts on: a clip of the account's library. */
export interface SongSource {
  clipId: string;
  /** Its title, to name what is made from it. */
  title?: string;
}

export interface OperationRequest {
  source: SongSource;
  operation: SongOperation;
  /** The title of the songs made; the source's title with the operation's name when absent. */
  title?: string;
  /** The format to download the result in. */
  format: AudioFormat;
}
