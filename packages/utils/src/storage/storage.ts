import type { Readable } from "node:stream";

export interface PutOptions {
  contentType: string;
  /** Free-form facts kept with the object (S3 user metadata). Values may be any Unicode text. */
  metadata?: Record<string, string>;
  signal?: AbortSignal;
}

export interface StoredObject {
  key: string;
  /** Where the object can be fetched: an http(s) URL for S3, a file: URL for local storage. */
  url: string;
  /** `s3://bucket/key` or the absolute file path. */
  location: string;
  bucket?: string;
  etag?: string;
  size: number;
}

export interface ObjectHead {
  key: string;
  size: number;
  contentType: string | undefined;
  etag: string | undefined;
  metadata: Record<string, string>;
}

/** Bytes `start` to `end` of an object, both included. */
export interface ByteRange {
  start: number;
  end: number;
}

/** Where generated audio is kept. Every method throws `StorageError` (or `InvalidInputError` for a bad key). */
export interface Storage {
  readonly kind: "s3" | "local";
  /** Stores a stream or bytes under `key`; memory use does not grow with the size of a stream. */
  put(key: string, body: Readable | Uint8Array, options: PutOptions): Promise<StoredObject>;
  /** Stores a file under `key`, streamed from disk. */
  putFile(key: string, filePath: string, options: PutOptions): Promise<StoredObject>;
  /** The object's size, type and metadata, or undefined when there is none. */
  head(key: string): Promise<ObjectHead | undefined>;
  /**
   * The object's bytes as a stream, or undefined when there is none; with `range`, only the bytes from `start` to
   * `end` (inclusive), as an HTTP byte range.
   */
  open(key: string, options?: { range?: ByteRange }): Promise<Readable | undefined>;
  /** Removes the object; no error when it is already gone. */
  delete(key: string): Promise<void>;
}

/** S3 user metadata travels in HTTP headers: keys are lowercased and plain, non-ASCII values MIME-encoded. */
export function encodeMetadata(metadata: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rawKey, value] of Object.entries(metadata)) {
    const key = rawKey.toLowerCase().replace(/[^a-z0-9-]/g, "-");
    // eslint-disable-next-line no-control-regex
    out[key] = /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, "utf8").toString("base64")}?=`;
  }
  return out;
}

export function decodeMetadata(metadata: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    const match = /^=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=$/i.exec(value);
    out[key] = match ? Buffer.from(match[1] ?? "", "base64").toString("utf8") : value;
  }
  return out;
}

/** What ends a value cut to fit, and the key that lists the cut keys. */
export const METADATA_CUT_MARK = "...";
export const METADATA_CUT_KEY = "cut";

/**
 * Fits metadata in S3's 2 KB budget (keys plus encoded values). Nothing is cut silently: each cut value ends in
 * `...`, and the `cut` key lists the keys that were cut (comma-separated); the full values stay in the track row.
 */
export function fitMetadata(metadata: Record<string, string>, maxBytes = 2000): Record<string, string> {
  const out = { ...metadata };
  const cut = new Set<string>();
  const size = () =>
    Object.entries(encodeMetadata(cut.size > 0 ? { ...out, [METADATA_CUT_KEY]: [...cut].join(",") } : out)).reduce(
      (sum, [key, value]) => sum + key.length + value.length,
      0,
    );
  while (size() > maxBytes) {
    const longest = Object.keys(out).reduce((a, b) => ((out[a] ?? "").length >= (out[b] ?? "").length ? a : b));
    const characters = [...(out[longest] ?? "")];
    if (characters.length <= METADATA_CUT_MARK.length) break;
    const kept = cut.has(longest) ? characters.slice(0, -METADATA_CUT_MARK.length) : characters;
    out[longest] = kept.slice(0, Math.floor(kept.length * 0.8)).join("") + METADATA_CUT_MARK;
    cut.add(longest);
  }
  return cut.size > 0 ? { ...out, [METADATA_CUT_KEY]: [...cut].join(",") } : out;
}
