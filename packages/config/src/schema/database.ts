import { z } from "zod";
import { setting } from "../setting.js";

export const databaseSchema = z.strictObject({
  url: setting(
    z
      .string()
      .min(1)
      .refine((url) => /^(sqlite:|postgres:\/\/|postgresql:\/\/|file:|\/|\.)/.test(url) || !url.includes("://"), {
        message: "a SQLite file path, sqlite:<path>, or a postgres:// URL",
      })
      .optional(),
    {
      doc: "Job queue and track store: a SQLite file or postgres:// URL.",
      defaultLabel: "sqlite:<dataDir>/producer.db",
    },
  ),
  poolSize: setting(z.number().int().min(2).max(100).default(10), {
    doc: "PostgreSQL: connections this process keeps open at most (each daemon has its own pool).",
  }),
  sqliteSynchronous: setting(z.enum(["normal", "full"]).default("normal"), {
    doc: "SQLite durability: `normal` (WAL; a power loss may drop the last commits, never corrupts) or `full` (every commit synced to disk; slower submits).",
  }),
});
