import { packageBuild } from "../../tsup.base.ts";

// The audio synthesis of the (unpublished) test helpers is bundled in, so the published simulator stands alone.
export default packageBuild({
  entry: ["src/index.ts", "src/main.ts"],
  format: ["esm"],
  external: [/^@producer\/(?!test-utils)/],
  noExternal: ["@producer/test-utils"],
});
