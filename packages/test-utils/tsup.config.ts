import { packageBuild } from "../../tsup.base.ts";

// Private and only imported by ESM tests and the simulator.
export default packageBuild({ entry: ["src/index.ts", "src/s3-server-process.ts"], format: ["esm"] });
