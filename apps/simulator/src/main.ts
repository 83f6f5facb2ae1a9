/**
 * Runs the simulator on its own: `pnpm --filter @producer/simulator start [-- --port 4173 --variant renamed]`.
 * Prints the site URL, the admin URL and the admin token; stops on Ctrl-C.
 */
import { parseArgs } from "node:util";
import { start } from "./simulator.js";
import type { SiteVariantName } from "./variants.js";

const USAGE = `producer-simulator — a local stand-in for the ProducerAI site, for tests and demos

Usage: producer-simulator [options]
  --port N             the site (default 4173)
  --admin-port N       the admin API, for faults and counters (default 4174)
  --storage-port N     the public storage links (default 4175)
  --generation-ms N    how long a song takes (default 3000)
  --status-poll-ms N   how often the page polls a generation's status (default 3000)
  --variant NAME       flow-2026 (default), producerai-2025 or renamed
  --email E --password P   the account that signs in with a password
  --help               this text`;

const OPTIONS = {
  port: { type: "string", default: "4173" },
  "admin-port": { type: "string", default: "4174" },
  "storage-port": { type: "string", default: "4175" },
  "generation-ms": { type: "string", default: "3000" },
  "status-poll-ms": { type: "string", default: "3000" },
  variant: { type: "string", default: "flow-2026" },
  email: { type: "string" },
  password: { type: "string" },
  help: { type: "boolean", default: false },
} as const;

function parse() {
  try {
    return parseArgs({ options: OPTIONS }).values;
  } catch (error) {
    process.stderr.write(`producer-simulator: ${(error as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
}

const values = parse();
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

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
