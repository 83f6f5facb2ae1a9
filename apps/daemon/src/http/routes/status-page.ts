import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import { UnavailableError } from "@producer/utils";
import { operationCosts, type SitePrices } from "../../operation-costs.js";
import type { AppEnv } from "../app-deps.js";

/** The folder of the page's script and style sheet: `static/` at the package root, found from here or from dist/. */
function staticDir(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 4; depth += 1) {
    const candidate = path.join(dir, "static");
    if (fs.existsSync(path.join(candidate, "status.js"))) return candidate;
    dir = path.dirname(dir);
  }
  return undefined;
}

const ASSETS = {
  "/status-dom.js": { file: "status-dom.js", type: "text/javascript; charset=utf-8" },
  "/status-operations.js": { file: "status-operations.js", type: "text/javascript; charset=utf-8" },
  "/status.js": { file: "status.js", type: "text/javascript; charset=utf-8" },
  "/status.css": { file: "status.css", type: "text/css; charset=utf-8" },
} as const;

/** The page's own files, its API and its media only: no inline script, no other origin. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; media-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** The site facts the page's operation forms offer: each operation's cost in words, and the formats it downloads. */
export interface StatusPageSite extends SitePrices {
  formats: readonly string[];
}

/** The facts as a JSON data block (never run: not JavaScript), with nothing in it that could close the element. */
function factsBlock(site: StatusPageSite): string {
  const facts = JSON.stringify({ costs: operationCosts(site), formats: site.formats });
  const safe = facts.replace(/[<>&]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return `<script type="application/json" id="page-facts">${safe}</script>`;
}

const page = (site: StatusPageSite) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>producer — status</title>
<link rel="stylesheet" href="/status.css">
${factsBlock(site)}
<script src="/status-dom.js" defer></script>
<script src="/status-operations.js" defer></script>
<script src="/status.js" defer></script>
</head>
<body>
<main>
<header>
<h1>producer</h1>
<p class="summary" id="summary" aria-live="polite">Loading…</p>
<p class="summary" id="updated"></p>
</header>
<p class="summary" id="announce" role="status" aria-live="polite"></p>

<section aria-labelledby="running-title">
<h2 id="running-title">Running</h2>
<ul class="running" id="running-rows" aria-live="polite"></ul>
<p class="empty">Nothing is running.</p>
</section>

<section aria-labelledby="queue-title">
<h2 id="queue-title">Queue</h2>
<div class="table-wrap"><table>
<caption>Jobs waiting, in the order they will run</caption>
<thead><tr><th scope="col">Position</th><th scope="col">Prompt</th><th scope="col">State</th><th scope="col">Queued at</th><th scope="col"><span class="summary">Cancel</span></th></tr></thead>
<tbody id="queue-rows"></tbody>
</table></div>
<p class="empty">The queue is empty.</p>
</section>

<section aria-labelledby="jobs-title">
<h2 id="jobs-title">Recent jobs</h2>
<div class="table-wrap"><table>
<caption>The latest 30 jobs, newest first, with their errors and failure screenshots</caption>
<thead><tr><th scope="col">Prompt</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Error</th><th scope="col">Finished</th><th scope="col"><span class="summary">Action</span></th></tr></thead>
<tbody id="job-rows"></tbody>
</table></div>
<p class="empty">No jobs yet.</p>
</section>

<section aria-labelledby="songs-title">
<h2 id="songs-title">Songs</h2>
<ul class="songs" id="track-rows"></ul>
<p class="empty">No songs stored yet.</p>
</section>

<section aria-labelledby="accounts-title">
<h2 id="accounts-title">Accounts</h2>
<div class="table-wrap"><table>
<caption>Each ProducerAI account: balance, walls, session, and the daemon that owns it in a fleet</caption>
<thead><tr><th scope="col">Account</th><th scope="col">State</th><th scope="col">Balance</th><th scope="col">Session</th><th scope="col">Owner</th><th scope="col">Running</th></tr></thead>
<tbody id="account-rows"></tbody>
</table></div>
<p class="empty">This daemon has no browser, so no accounts.</p>
</section>
</main>
</body>
</html>
`;

/**
 * The status page at `/`: a static page whose script reads the daemon's own API (queue, jobs with their live
 * step, songs with players and their lineage, accounts), cancels jobs and runs operations on songs; and the
 * page's scripts and style sheet.
 */
export function statusPageRoutes(site: StatusPageSite): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const dir = staticDir();
  // A package that lost its page's files still runs; only the page says so.
  if (!dir) {
    routes.get("/", () => {
      throw new UnavailableError(
        "The status page's files (static/status.js) are missing from the installed package; reinstall @producer/daemon.",
        {
          retryable: false,
        },
      );
    });
  }
  const assets = dir
    ? new Map(
        Object.entries(ASSETS).map(([route, asset]) => [
          route,
          { body: fs.readFileSync(path.join(dir, asset.file), "utf8"), type: asset.type },
        ]),
      )
    : new Map<string, { body: string; type: string }>();

  const html = page(site);
  if (dir)
    routes.get("/", (c) =>
      c.html(html, 200, { "content-security-policy": CONTENT_SECURITY_POLICY, "cache-control": "no-store" }),
    );
  for (const [route, asset] of assets) {
    routes.get(route, (c) => c.body(asset.body, 200, { "content-type": asset.type, "cache-control": "no-cache" }));
  }
  return routes;
}
