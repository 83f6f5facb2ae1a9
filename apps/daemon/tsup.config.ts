import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { packageBuild } from "../../tsup.base.ts";

/** Scalar's standalone browser bundle, from the installed @scalar/api-reference (not in its exports map). */
function scalarBundle(): string {
  const entry = createRequire(import.meta.url).resolve("@scalar/api-reference");
  return path.join(path.dirname(entry), "browser", "standalone.js");
}

export default packageBuild({
  entry: ["src/index.ts", "src/cli.ts", "src/demo.ts"],
  format: ["esm"],
  external: [/^@producer\//],
  // The API reference page: Scalar's Hono middleware is bundled and its browser script shipped in dist/scalar/,
  // so neither is a runtime dependency (their packages declare Node 22, and pull in hundreds of packages).
  noExternal: [/^@scalar\//],
  async onSuccess() {
    fs.mkdirSync(path.join("dist", "scalar"), { recursive: true });
    fs.copyFileSync(scalarBundle(), path.join("dist", "scalar", "standalone.js"));
  },
});
