import { describe, expect, it } from "vitest";
import { withSettings } from "./with-settings.js";

describe("withSettings", () => {
  it("changes the settings for the work only, even when it throws", async () => {
    const settings = { generationMs: 0, songsPerGeneration: 2 };
    const seen = await withSettings(settings, { generationMs: 5000 }, async () => ({ ...settings }));
    expect(seen).toEqual({ generationMs: 5000, songsPerGeneration: 2 });
    const failing = withSettings(settings, { songsPerGeneration: 3 }, () => Promise.reject(new Error("failed")));
    await expect(failing).rejects.toThrow("failed");
    expect(settings).toEqual({ generationMs: 0, songsPerGeneration: 2 });
  });
});
