import { packageBuild } from "../../tsup.base.ts";

export default packageBuild({ entry: ["src/demo.ts"], format: ["esm"], dts: false, external: [/^@producer\//] });
