import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { AudioInvalidError } from "./errors.js";

/** What is known of one audio file, read from the file itself. */
export interface AudioFacts {
  /** `wav`, `mp3`, `m4a`, `ogg` or `flac`, from the container found in the file. */
  format: AudioFileFormat;
  /** As the parser names them, e.g. `WAVE` / `PCM`, `MPEG` / `MPEG 1 Layer 3`. */
  container: string;
  codec: string;
  durationSecs: number;
  sampleRate: number;
  channels: number;
  /** Bits per second; for PCM computed from rate, depth and channels. */
  bitrate: number;
  sizeBytes: number;
  sha256: string;
}

export const AUDIO_FILE_FORMATS = ["wav", "mp3", "m4a", "ogg", "flac"] as const;
export type AudioFileFormat = (typeof AUDIO_FILE_FORMATS)[number];

export const AUDIO_CONTENT_TYPES: Record<AudioFileFormat, string> = {
  wav: "audio/wav",
  mp3: "audio/mpeg",
  m4a: "audio/mp4",
  ogg: "audio/ogg",
  flac: "audio/flac",
};

function formatOfContainer(container: string): AudioFileFormat | undefined {
  const name = container.toLowerCase();
  if (name.includes("wave")) return "wav";
  if (name.includes("mpeg")) return "mp3";
  if (name.includes("m4a") || name.includes("mp4") || name.includes("isom")) return "m4a";
  if (name.includes("ogg")) return "ogg";
  if (name.includes("flac")) return "flac";
  return undefined;
}

/** Streams the file once for its SHA-256; memory use is flat whatever its size. */
export async function sha256File(filePath: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(fs.createReadStream(filePath, { highWaterMark: 1024 * 1024 }), hash);
  return hash.digest("hex");
}

/**
 * Reads container, codec, duration, sample rate, channels and bitrate from an audio file, with its size and
 * SHA-256. A missing, empty, corrupt or non-audio file gives `AudioInvalidError` naming the file.
 */
export async function readAudioFacts(filePath: string): Promise<AudioFacts> {
  const name = path.basename(filePath);
  let sizeBytes: number;
  try {
    sizeBytes = (await fs.promises.stat(filePath)).size;
  } catch (error) {
    throw new AudioInvalidError(`Audio file ${name} cannot be read: ${(error as NodeJS.ErrnoException).code}`, {
      cause: error,
      details: { filePath },
    });
  }
  if (sizeBytes === 0) throw new AudioInvalidError(`Audio file ${name} is empty`, { details: { filePath } });

  const { parseFile } = await import("music-metadata");
  let format: Awaited<ReturnType<typeof parseFile>>["format"];
  try {
    ({ format } = await parseFile(filePath, { duration: true, skipCovers: true }));
  } catch (error) {
    throw new AudioInvalidError(`Audio file ${name} is not readable audio: ${(error as Error).message}`, {
      cause: error,
      details: { filePath },
    });
  }
  const container = format.container ?? "";
  const fileFormat = formatOfContainer(container);
  const duration = format.duration ?? 0;
  const sampleRate = format.sampleRate ?? 0;
  const channels = format.numberOfChannels ?? 0;
  if (!fileFormat || !(duration > 0) || !(sampleRate > 0) || !(channels > 0)) {
    throw new AudioInvalidError(
      `Audio file ${name} has no usable audio (container ${container || "unknown"}, duration ${duration}s)`,
      { details: { filePath, container } },
    );
  }
  const bitrate =
    format.bitrate ??
    (format.bitsPerSample ? sampleRate * format.bitsPerSample * channels : (sizeBytes * 8) / duration);
  return {
    format: fileFormat,
    container,
    codec: format.codec ?? "unknown",
    durationSecs: duration,
    sampleRate,
    channels,
    bitrate: Math.round(bitrate),
    sizeBytes,
    sha256: await sha256File(filePath),
  };
}
