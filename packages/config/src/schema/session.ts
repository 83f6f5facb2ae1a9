import { z } from "zod";
import { setting } from "../setting.js";
import { secretText } from "./setting-shapes.js";

export const sessionSchema = z.strictObject({
  checkCacheSecs: setting(z.number().int().min(0).default(300), {
    doc: "How long a successful login check is trusted.",
  }),
  expiryWarningSecs: setting(z.number().int().min(0).default(86_400), {
    doc: "Warn (session check, /readyz, doctor, logs) when the saved login ends within this long.",
  }),
  email: secretText(3, "Account email for automatic re-login (optional)."),
  password: secretText(1, "Account password for automatic re-login (optional)."),
});
