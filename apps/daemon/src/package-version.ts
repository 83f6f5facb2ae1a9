import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** This package's version, from its package.json (one folder up from src/ or dist/). */
export function packageVersion(): string {
  const manifest = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "package.json");
  return (JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version;
}
