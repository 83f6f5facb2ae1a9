import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const manifest = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "..", "..", name, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  };

describe("installing @producer/core", () => {
  it("never brings a browser or a native build: only config, utils, kysely, zod and an event-stream parser; drivers are optional peers", () => {
    const core = manifest("core");
    expect(Object.keys(core.dependencies ?? {}).sort()).toEqual([
      "@producer/config",
      "@producer/utils",
      "eventsource-parser",
      "kysely",
      "zod",
    ]);
    for (const driver of ["better-sqlite3", "pg"]) {
      expect(core.peerDependencies?.[driver]).toBeDefined();
      expect(core.peerDependenciesMeta?.[driver]?.optional).toBe(true);
    }
    const runtime = [core, manifest("utils"), manifest("config")].flatMap((pkg) => Object.keys(pkg.dependencies ?? {}));
    expect(runtime.filter((name) => /playwright|puppeteer|better-sqlite3|^pg$|sharp|canvas/.test(name))).toEqual([]);
  });

  it("loads the SQLite driver only when a SQLite database is opened", () => {
    const source = fs.readFileSync(path.join(import.meta.dirname, "..", "src", "store", "database.ts"), "utf8");
    expect(source).not.toMatch(/^import .* from "(better-sqlite3|pg)"/m);
  });
});
