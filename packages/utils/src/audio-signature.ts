import fs from "node:fs";
import { AudioInvalidError } from "./errors.js";
import type { AudioFileFormat } from "./audio-facts.js";

/** The format a file's first bytes say it is: WAV `RIFF…WAVE`, MP3 `ID3` or a frame sync, M4A `ftyp` at byte 4. */
export function sniffAudioFormat(head: Uint8Array): AudioFileFormat | undefined {
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (head.length >= 12 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "WAVE") return "wav";
  if (head.length >= 8 && ascii(4, 8) === "ftyp") return "m4a";
  if (head.length >= 3 && ascii(0, 3) === "ID3") return "mp3";
  if (head.length >= 2 && head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0) return "mp3";
  if (head.length >= 4 && ascii(0, 4) === "fLaC") return "flac";
  if (head.length >= 4 && ascii(0, 4) === "OggS") return "ogg";
  return undefined;
}

/**
 * Checks that a file is audio of the asked format by its first bytes, before anything trusts it: an HTML error
 * page, an empty file or another format saved under the asked name is `AUDIO_INVALID`, naming what was found.
 */
export async function checkAudioSignature(
  filePath: string,
  expected: AudioFileFormat,
  details: Record<string, unknown> = {},
): Promise<void> {
  const handle = await fs.promises.open(filePath, "r");
  let head: Uint8Array;
  try {
    const buffer = Buffer.alloc(16);
    const { bytesRead } = await handle.read(buffer, 0, 16, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const found = sniffAudioFormat(head);
  if (found === expected) return;
  const seen =
    head.length === 0
      ? "an empty file"
      : found
        ? `${found.toUpperCase()} audio`
        : `bytes ${Buffer.from(head.subarray(0, 8)).toString("hex")}`;
  throw new AudioInvalidError(`Expected ${expected.toUpperCase()} audio but the file holds ${seen}.`, {
    details: { ...details, expectedFormat: expected, foundFormat: found ?? null },
  });
}
