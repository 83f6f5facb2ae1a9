import { packageBuild } from "../../tsup.base.ts";

export default packageBuild({
  entry: ["src/index.ts", "src/cli.ts", "src/demo.ts"],
  format: ["esm"],
  external: [/^@producer\//],
});
