import { z } from "zod";
import { localPath } from "./setting-shapes.js";

export const pathsSchema = z.strictObject({
  dataDir: localPath(
    "Where producer keeps its state; created with mode 0700.",
    "$XDG_DATA_HOME/producer or ~/.producer",
  ),
  downloadsDir: localPath("Where songs are downloaded before upload.", "<dataDir>/downloads"),
  artifactsDir: localPath("Screenshots, HTML and traces of failed generations.", "<dataDir>/artifacts"),
  stateFile: localPath("The browser login state (cookies); written with mode 0600.", "<dataDir>/state.json"),
});
