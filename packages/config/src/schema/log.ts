import { z } from "zod";
import { setting } from "../setting.js";

export const logSchema = z.strictObject({
  level: setting(z.enum(["silent", "fatal", "error", "warn", "info", "debug", "trace"]).default("info"), {
    doc: "Log level.",
  }),
});
