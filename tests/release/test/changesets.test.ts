import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const CHANGESETS = path.resolve(import.meta.dirname, "..", "..", "..", ".changeset");

describe("changesets", () => {
  it("each name one package, so every package's changelog says only its own change", () => {
    const files = fs.readdirSync(CHANGESETS).filter((file) => file.endsWith(".md") && file !== "README.md");
    const wrong = files.flatMap((file) => {
      const front = /^---\n([\s\S]*?)\n---/.exec(fs.readFileSync(path.join(CHANGESETS, file), "utf8"))?.[1] ?? "";
      const packages = front.split("\n").filter((line) => line.trim() !== "");
      return packages.length === 1 ? [] : [`${file}: ${packages.length} packages`];
    });
    expect(wrong).toEqual([]);
  });
});
