import { createHash } from "node:crypto";
import { Mp3Encoder } from "@breezystack/lamejs";

export interface SynthesisOptions {
  /** Any text (a prompt); the same seed always gives the same audio. */
  seed: string;
  durationSecs?: number;
  sampleRate?: number;
  channels?: 1 | 2;
}

/** Interleaved 16-bit PCM, deterministic from the seed: a short melody of enveloped tones. */
export function synthesizePcm(options: SynthesisOptions): {
  samples: Int16Array;
  sampleRate: number;
  channels: number;
} {
  const sampleRate = options.sampleRate ?? 44_100;
  const channels = options.channels ?? 2;
  const frames = Math.max(1, Math.round((options.durationSecs ?? 2) * sampleRate));
  const digest = createHash("sha256").update(options.seed).digest();
  const root = 196 + (digest[0] ?? 0); // 196–451 Hz
  const beatFrames = Math.round(sampleRate * (0.18 + (digest[1] ?? 0) / 1024));
  const scale = [0, 2, 4, 5, 7, 9, 11, 12];
  const samples = new Int16Array(frames * channels);
  for (let frame = 0; frame < frames; frame += 1) {
    const beat = Math.floor(frame / beatFrames);
    const step = scale[(digest[(beat % 30) + 2] ?? 0) % scale.length] ?? 0;
    const frequency = root * 2 ** (step / 12);
    const inBeat = (frame % beatFrames) / beatFrames;
    const envelope = Math.min(1, inBeat * 20) * (1 - inBeat) ** 1.5;
    const t = frame / sampleRate;
    const tone = Math.sin(2 * Math.PI * frequency * t) + 0.3 * Math.sin(4 * Math.PI * frequency * t);
    for (let channel = 0; channel < channels; channel += 1) {
      const pan = channels === 2 ? (channel === 0 ? 0.9 : 0.7) : 1;
      samples[frame * channels + channel] = Math.round(tone * envelope * pan * 0.5 * 32_767 * 0.75);
    }
  }
  return { samples, sampleRate, channels };
}

/** A canonical 44-byte-header PCM WAV file. */
export function synthesizeWav(options: SynthesisOptions): Buffer {
  const { samples, sampleRate, channels } = synthesizePcm(options);
  const dataBytes = samples.length * 2;
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write("WAVE", 8, "ascii");
  header.write("fmt ", 12, "ascii");
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * channels * 2, 28);
  header.writeUInt16LE(channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36, "ascii");
  header.writeUInt32LE(dataBytes, 40);
  return Buffer.concat([header, Buffer.from(samples.buffer, samples.byteOffset, dataBytes)]);
}

/** The same audio as an MP3 (pure-JavaScript LAME encoder). */
export function synthesizeMp3(options: SynthesisOptions & { kbps?: number }): Buffer {
  const { samples, sampleRate, channels } = synthesizePcm(options);
  const encoder = new Mp3Encoder(channels, sampleRate, options.kbps ?? 128);
  const frames = samples.length / channels;
  const left = new Int16Array(frames);
  const right = new Int16Array(frames);
  for (let frame = 0; frame < frames; frame += 1) {
    left[frame] = samples[frame * channels] ?? 0;
    right[frame] = samples[frame * channels + (channels - 1)] ?? 0;
  }
  const chunks: Buffer[] = [];
  const blockFrames = 1152;
  for (let start = 0; start < frames; start += blockFrames) {
    const end = Math.min(frames, start + blockFrames);
    const encoded =
      channels === 2
        ? encoder.encodeBuffer(left.subarray(start, end), right.subarray(start, end))
        : encoder.encodeBuffer(left.subarray(start, end));
    if (encoded.length > 0) chunks.push(Buffer.from(encoded));
  }
  const tail = encoder.flush();
  if (tail.length > 0) chunks.push(Buffer.from(tail));
  return Buffer.concat(chunks);
}
