import type { AudioFormat } from "@producer/config";

/**
 * What the app can do to a song that already exists, besides making a new one. Each runs on the account whose
 * library holds the source song, and each but `convert` and `import` makes new clips (paid like a song, at most
 * once).
 */
export const SONG_OPERATIONS = ["extend", "replace", "cover", "stems", "trim", "speed", "convert", "import"] as const;
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
  | { kind: "convert"; format: AudioFormat }
  /** Stores a song the library already has, as it is (in the job's format): nothing is made or spent. */
  | { kind: "import" };

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

/** Which page of an account's library to list, newest songs first. */
export interface LibraryQuery {
  limit: number;
  offset: number;
  /** The account whose library to list (of several); the first usable when absent. */
  account?: string;
  signal?: AbortSignal;
}

/** One song of an account's library, as the site's own listing describes it. */
export interface LibrarySong {
  clipId: string;
  title: string;
  /** Null while the site has no length for it. */
  durationSecs: number | null;
  createdAt: string | null;
  /** The site's tool that made it (`audio__create_song`, `audio__split_stems`, …); null when the listing says none. */
  madeBy: string | null;
  /** The song it was made from (a stem's or an edit's parent); null for a new song. */
  sourceClipId: string | null;
  /** Its audio can be downloaded. */
  finished: boolean;
  failed: boolean;
}

/** The songs of one page of a library, and the account listed. */
export interface LibraryPage {
  account: string | null;
  songs: LibrarySong[];
}
