import { packageBuild } from "../../tsup.base.ts";

export default packageBuild({ entry: { index: "src/index.ts", client: "src/client/index.ts" } });
