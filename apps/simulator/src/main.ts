/**
 * Runs the simulator on its own: `pnpm --filter @producer/simulator start [-- --port 4173 --variant renamed]`.
 * Prints the site URL, the admin URL and the admin token; stops on Ctrl-C.
 */
import { parseArgs } from "node:util";
import { start } from "./simulator.js";
import type { SiteVariantName } from "./variants.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4173" },
    "admin-port": { type: "string", default: "4174" },
    "storage-port": { type: "string", default: "4175" },
    "generation-ms": { type: "string", default: "3000" },
    "status-poll-ms": { type: "string", default: "3000" },
    variant: { type: "string", default: "flow-2026" },
    email: { type: "string" },
    password: { type: "string" },
  },
});

const site = await start({
  port: Number(values.port),
  adminPort: Number(values["admin-port"]),
  storagePort: Number(values["storage-port"]),
  generationMs: Number(values["generation-ms"]),
  statusPollMs: Number(values["status-poll-ms"]),
  variant: values.variant as SiteVariantName,
  ...(values.email && values.password ? { credentials: { email: values.email, password: values.password } } : {}),
});
console.log(`ProducerAI simulator on ${site.url}`);
console.log(`public storage on ${site.storageUrl}`);
console.log(`admin API on ${site.adminUrl} (Authorization: Bearer ${site.adminToken})`);
console.log(`sign in with ${site.settings.credentials.email} / the configured password, or "Continue with Google"`);
const stop = () => void site.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
