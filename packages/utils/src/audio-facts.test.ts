import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { synthesizeMp3, synthesizeWav } from "@producer/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AudioInvalidError } from "./errors.js";
import { readAudioFacts } from "./audio-facts.js";
import { createTempDir, type TempDir } from "./temp-dir.js";

let dir: TempDir;
beforeAll(async () => {
  dir = await createTempDir("audio-facts-");
});
afterAll(() => dir.cleanup());

const write = (name: string, content: Buffer | string) => {
  const file = path.join(dir.path, name);
  fs.writeFileSync(file, content);
  return file;
};

describe("readAudioFacts", () => {
  it("reads a WAV file's facts exactly", async () => {
    const bytes = synthesizeWav({ seed: "a calm piano", durationSecs: 3, sampleRate: 44_100, channels: 2 });
    const facts = await readAudioFacts(write("song.wav", bytes));
    expect(facts).toEqual({
      format: "wav",
      container: "WAVE",
      codec: "PCM",
      durationSecs: 3,
      sampleRate: 44_100,
      channels: 2,
      bitrate: 1_411_200,
      sizeBytes: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
    });
  });

  it("reads a mono 22 kHz WAV", async () => {
    const facts = await readAudioFacts(
      write("mono.wav", synthesizeWav({ seed: "x", durationSecs: 1.5, sampleRate: 22_050, channels: 1 })),
    );
    expect(facts).toMatchObject({ durationSecs: 1.5, sampleRate: 22_050, channels: 1, bitrate: 352_800 });
  });

  it("reads an MP3 file's facts", async () => {
    const bytes = synthesizeMp3({ seed: "drum and bass", durationSecs: 4, kbps: 128 });
    const facts = await readAudioFacts(write("song.mp3", bytes));
    expect(facts.format).toBe("mp3");
    expect(facts.container).toBe("MPEG");
    expect(facts.codec).toMatch(/MPEG 1 Layer 3/);
    expect(facts.durationSecs).toBeGreaterThan(3.9);
    expect(facts.durationSecs).toBeLessThan(4.2);
    expect(facts.sampleRate).toBe(44_100);
    expect(facts.channels).toBe(2);
    expect(facts.bitrate).toBe(128_000);
    expect(facts.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
  });

  const bad: Array<[string, () => string]> = [
    ["a missing file", () => path.join(dir.path, "absent.wav")],
    ["an empty file", () => write("empty.wav", Buffer.alloc(0))],
    ["random bytes", () => write("noise.wav", Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)))],
    ["an HTML error page saved as audio", () => write("error.mp3", "<html><body>502 Bad Gateway</body></html>")],
    [
      "a WAV header with no samples",
      () => write("header-only.wav", synthesizeWav({ seed: "x", durationSecs: 1 }).subarray(0, 44)),
    ],
    ["a truncated WAV header", () => write("cut.wav", synthesizeWav({ seed: "x", durationSecs: 1 }).subarray(0, 20))],
  ];
  for (const [what, make] of bad) {
    it(`gives AUDIO_INVALID for ${what}`, async () => {
      const file = make();
      const error = await readAudioFacts(file).catch((caught: unknown) => caught);
      expect(AudioInvalidError.isInstance(error), String(error)).toBe(true);
      expect((error as AudioInvalidError).message).toContain(path.basename(file));
      expect((error as AudioInvalidError).details.filePath).toBe(file);
    });
  }
});
