import { z } from "zod";
import { setting } from "../setting.js";
import { milliseconds, secretText } from "./setting-shapes.js";

/** `example.com`, `example.com:8443`, `[::1]:8080`: what a URL's host part may hold, and nothing more. */
function isHostEntry(entry: string): boolean {
  return entry !== "" && !/[\s/?#@\\]/.test(entry) && URL.canParse(`http://${entry}`);
}

export const webhooksSchema = z.strictObject({
  secret: secretText(
    16,
    "Key of the HMAC-SHA256 signature on webhook deliveries (at least 16 characters); unsigned when unset.",
  ),
  maxAttempts: setting(z.number().int().min(1).max(20).default(5), { doc: "Tries of one webhook delivery." }),
  timeoutMs: milliseconds(10_000, "Time one webhook delivery may take."),
  allowPrivateAddresses: setting(z.boolean().default(false), {
    doc: "Deliver to loopback, private and link-local addresses too (a receiver on this machine or LAN); metadata addresses stay refused.",
  }),
  allowedHosts: setting(
    z
      .array(z.string().refine(isHostEntry, { message: "a host name or host:port, without a scheme, user or path" }))
      .default([]),
    {
      doc: "Host names or host:port that may receive webhooks (comma-separated in the environment); when any are set, only those do, and the address checks still apply.",
    },
  ),
});
