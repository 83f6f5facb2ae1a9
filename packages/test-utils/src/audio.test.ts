import { describe, expect, it } from "vitest";
import { synthesizeMp3, synthesizeWav } from "./audio.js";

describe("synthesized audio", () => {
  it("is the same for the same seed and differs across seeds", () => {
    const first = synthesizeWav({ seed: "a happy pop song", durationSecs: 1 });
    expect(synthesizeWav({ seed: "a happy pop song", durationSecs: 1 }).equals(first)).toBe(true);
    expect(synthesizeWav({ seed: "a sad ballad", durationSecs: 1 }).equals(first)).toBe(false);
  });

  it("has a WAV header that matches its data", () => {
    const wav = synthesizeWav({ seed: "x", durationSecs: 0.5, sampleRate: 8000, channels: 1 });
    expect(wav.toString("ascii", 0, 4)).toBe("RIFF");
    expect(wav.readUInt32LE(40)).toBe(8000); // 4000 frames × 2 bytes
    expect(wav.length).toBe(44 + 8000);
  });

  it("encodes MP3 frames", () => {
    const mp3 = synthesizeMp3({ seed: "x", durationSecs: 1 });
    expect(mp3.length).toBeGreaterThan(10_000);
    expect(mp3[0]).toBe(0xff); // frame sync
  });
});
