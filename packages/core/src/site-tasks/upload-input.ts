import fs from "node:fs/promises";
import { createWriteStream } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { SiteTaskInput, SiteTaskResult } from "./run-site-task.js";

/** The largest file an upload takes (the daemon refuses a larger body before reading it whole). */
export const UPLOAD_MAX_BYTES = 100 * 1024 * 1024;

/** What `uploadAudio` takes: the audio (a path, its bytes or a stream), the name the site shows, and what to do with vocals. */
export interface UploadAudioInput {
  /** A WAV, MP3, M4A, FLAC or OGG file: its path, its bytes, or a stream of them. */
  file: string | Buffer | Uint8Array | Readable;
  /** The name the site is given (the path's own name by default; `upload` for bytes or a stream). */
  filename?: string;
  /** When the site finds vocals: remove them and answer the new clip (else UPLOAD_REFUSED "vocals not allowed"). */
  removeVocals?: boolean;
  /** When the site finds vocals: keep the song with them, as the site confirms it (not with `removeVocals`). */
  keepVocals?: boolean;
  account?: string;
}

/** What an upload answers: the clip to use (a source for cover, extend, stems), and what the site's check found. */
export interface UploadAudioResult {
  clipId: string;
  operationId: string;
  filename: string;
  format: "wav" | "mp3" | "m4a" | "flac" | "ogg";
  sizeBytes: number;
  hasVocals: boolean;
  hasCidMatch: boolean;
  hasMinorVocals: boolean;
  lyricsModerationFailed: boolean;
  /** The vocals were removed: `clipId` is the new clip, `uploadedClipId` the one uploaded. */
  vocalsRemoved: boolean;
  /** The vocals were kept: the site confirmed the uploaded clip with them. */
  vocalsKept: boolean;
  uploadedClipId?: string;
}

/** What `uploadAudio` answers: the account it ran on, and the upload's result. */
export type UploadAudioAnswer = Omit<SiteTaskResult, "result"> & { result: UploadAudioResult };

/**
 * Uploads audio through `runTask`: a path is sent as it is; bytes or a stream are first written to a file only
 * this user may read (0600, in a folder of its own), removed once the task ends however it ends.
 */
export async function uploadAudioThrough(
  runTask: (input: SiteTaskInput) => Promise<SiteTaskResult>,
  input: UploadAudioInput,
): Promise<UploadAudioAnswer> {
  const { file, ...rest } = input;
  const settings = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
  if (typeof file === "string") {
    return (await runTask({
      kind: "upload",
      filePath: path.resolve(file),
      ...settings,
    })) as unknown as UploadAudioAnswer;
  }
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), "producer-upload-"));
  try {
    await fs.chmod(folder, 0o700);
    const filePath = path.join(folder, "upload");
    if (Buffer.isBuffer(file) || file instanceof Uint8Array) await fs.writeFile(filePath, file, { mode: 0o600 });
    else await pipeline(file, createWriteStream(filePath, { mode: 0o600 }));
    const filename = input.filename ?? "upload";
    return (await runTask({
      kind: "upload",
      filePath,
      ...settings,
      filename,
    })) as unknown as UploadAudioAnswer;
  } finally {
    await fs.rm(folder, { recursive: true, force: true });
  }
}
