import path from "node:path";
import { makeTempDir, removeDir } from "@producer/test-utils";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "./database.js";

const dir = makeTempDir("database-");
afterAll(() => removeDir(dir));

describe("the SQLite store's durability", () => {
  it("syncs every commit with database.sqliteSynchronous full, and uses WAL's normal sync otherwise", async () => {
    for (const [setting, expected] of [
      ["normal", 1],
      ["full", 2],
      [undefined, 1],
    ] as const) {
      const handle = openDatabase({
        database: {
          url: `sqlite:${path.join(dir, `${setting ?? "default"}.db`)}`,
          dialect: "sqlite",
          ...(setting ? { sqliteSynchronous: setting } : {}),
        },
      });
      try {
        const { rows } = await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(handle.db);
        expect(rows[0]?.synchronous, String(setting)).toBe(expected);
        const { rows: journal } = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(handle.db);
        expect(journal[0]?.journal_mode).toBe("wal");
      } finally {
        await handle.close();
      }
    }
  });
});
