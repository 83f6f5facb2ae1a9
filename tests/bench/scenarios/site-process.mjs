// The simulated app in a process of its own, so a scenario that measures its own heap measures producer only.
// Prints one JSON line { url, session } once it listens; stops on SIGTERM or when its parent goes.
import { startSite } from "../lib.mjs";

const site = await startSite(JSON.parse(process.argv[2] ?? "{}"));
process.stdout.write(`${JSON.stringify({ url: site.url, session: site.issueSession() })}\n`);
const stop = () => void site.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("disconnect", stop);
