import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The pages' scripts: real `.js` files under `static/` at the package root (type-checked with `// @ts-check`). */
export type PageScript =
  | "classic/sign-in.js"
  | "classic/composer.js"
  | "flow/common.js"
  | "flow/menus.js"
  | "flow/song-row.js"
  | "flow/library.js"
  | "flow/song.js"
  | "flow/studio.js";

/** `static/` at the package root, found from here: `src/` (the tests) or `dist/` (the build, the installed package). */
function staticDir(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 4; depth += 1) {
    const candidate = path.join(dir, "static");
    if (fs.existsSync(path.join(candidate, "flow", "common.js"))) return candidate;
    dir = path.dirname(dir);
  }
  return undefined;
}

/** JSON safe inside a <script> element: the values a page hands its scripts. */
export const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

const loaded = new Map<PageScript, string>();

/** A script's text, read once, for a page to carry inline (as it always has: no request of its own). */
export function pageScript(name: PageScript): string {
  const known = loaded.get(name);
  if (known !== undefined) return known;
  const dir = staticDir();
  if (!dir)
    throw new Error(
      `The simulator's page scripts (static/${name}) are missing from the installed package; reinstall @producer/simulator.`,
    );
  const text = fs.readFileSync(path.join(dir, name), "utf8");
  loaded.set(name, text);
  return text;
}
