import fs from "node:fs";
import path from "node:path";
import { makeTempDir, removeDir, synthesizeM4a, synthesizeMp3, synthesizeWav } from "@producer/test-utils";
import { afterAll, describe, expect, it } from "vitest";
import { checkAudioSignature, sniffAudioFormat } from "./audio-signature.js";

const dir = makeTempDir("producer-signature-");
afterAll(() => removeDir(dir));

describe("audio signatures", () => {
  const options = { seed: "x", durationSecs: 0.5 };
  it("knows WAV, MP3 and M4A by their first bytes", () => {
    expect(sniffAudioFormat(synthesizeWav(options))).toBe("wav");
    expect(sniffAudioFormat(synthesizeMp3(options))).toBe("mp3");
    expect(sniffAudioFormat(synthesizeM4a(options))).toBe("m4a");
    expect(sniffAudioFormat(Buffer.from("<!doctype html>"))).toBeUndefined();
  });

  it("refuses a file whose bytes are not the asked format, saying what it holds", async () => {
    const wav = path.join(dir, "song.wav");
    fs.writeFileSync(wav, synthesizeMp3(options));
    await expect(checkAudioSignature(wav, "wav", { songNumber: 2 })).rejects.toMatchObject({
      code: "AUDIO_INVALID",
      message: "Expected WAV audio but the file holds MP3 audio.",
      details: { songNumber: 2, expectedFormat: "wav", foundFormat: "mp3" },
    });
    fs.writeFileSync(wav, "<html>error</html>");
    await expect(checkAudioSignature(wav, "wav")).rejects.toMatchObject({ code: "AUDIO_INVALID" });
    fs.writeFileSync(wav, "");
    await expect(checkAudioSignature(wav, "wav")).rejects.toThrow(/an empty file/);
    fs.writeFileSync(wav, synthesizeWav(options));
    await expect(checkAudioSignature(wav, "wav")).resolves.toBeUndefined();
  });
});
