import { describe, expect, it } from "vitest";
import { parseGenerateInput } from "./generate-input.js";
import { keepListing, withListedModels } from "./site-tasks/model-listing.js";

const parse = (input: unknown) => parseGenerateInput(input, { format: "wav" });

describe("a generation's lyricsPrompt", () => {
  it("is kept on the job instead of lyrics", () => {
    expect(parse({ prompt: "folk", lyricsPrompt: "  an old boat " }).job).toMatchObject({
      lyricsPrompt: "an old boat",
    });
    expect(parse({ prompt: "folk", lyricsPrompt: "an old boat" }).job.lyrics).toBeUndefined();
  });

  it("is refused with lyrics or instrumental, naming the field", () => {
    for (const other of [{ lyrics: "la la" }, { instrumental: true }]) {
      expect(() => parse({ prompt: "folk", lyricsPrompt: "a boat", ...other })).toThrow(
        expect.objectContaining({
          code: "INVALID_INPUT",
          fields: [
            expect.objectContaining({ path: "lyricsPrompt", message: expect.stringContaining("cannot be given") }),
          ],
        }),
      );
    }
  });
});

describe("the site's listed models", () => {
  it("replace the profile's for the model check once read, by the profile's id where it knows the name", () => {
    const site = {
      profile: "p",
      controls: ["model"],
      modes: ["compose"],
      formats: ["wav"],
      models: [
        { id: "lyria-3.5", label: "Lyria 3.5" },
        { id: "lyria-2", label: "Lyria 2" },
      ],
    };
    expect(parse({ prompt: "x", model: "lyria-2" }).job.model).toBe("lyria-2");
    expect(() => parseGenerateInput({ prompt: "x", model: "Lyria 4" }, { format: "wav", site: site as never })).toThrow(
      "model must be one of lyria-3.5, lyria-2",
    );
    keepListing(site, {
      models: [
        { name: "Lyria 3.5", isDefault: true },
        { name: "Lyria 4", isDefault: false },
      ],
      fetchedAt: 0,
    });
    expect(withListedModels(site).models).toEqual([
      { id: "lyria-3.5", label: "Lyria 3.5" },
      { id: "Lyria 4", label: "Lyria 4" },
    ]);
    const checked = (model: string) =>
      parseGenerateInput({ prompt: "x", model }, { format: "wav", site: site as never });
    expect(checked("Lyria 4").job.model).toBe("Lyria 4");
    expect(() => checked("lyria-2")).toThrow("model must be one of lyria-3.5, Lyria 4");
  });
});
