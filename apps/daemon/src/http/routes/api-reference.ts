import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Scalar } from "@scalar/hono-api-reference";
import { Hono } from "hono";
import { UnavailableError } from "@producer/utils";
import type { AppDeps, AppEnv } from "../app-deps.js";
import { openApiDocument } from "../openapi.js";

/** Where the reference page's script is served from: this daemon, never a CDN. */
const SCRIPT_ROUTE = "/docs/scalar.js";

/**
 * Nothing from another origin: no fonts, no telemetry, no proxy, no CDN. Scripts are the page's own and its one
 * inline starter, which carries a nonce made for each answer. Styles may be inline (the reference's components
 * write `<style>` elements and style attributes without a nonce); a style can reach no other origin either, as
 * images, fonts and connections are held to this one.
 */
const policy = (nonce: string) =>
  [
    "default-src 'none'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");

/**
 * Scalar's standalone browser bundle: the copy the build puts in `dist/scalar/` (beside this module once bundled),
 * else the one in the installed `@scalar/api-reference` (a development dependency; not in its exports map).
 */
function scalarBundlePath(): string | undefined {
  const shipped = path.join(path.dirname(fileURLToPath(import.meta.url)), "scalar", "standalone.js");
  if (fs.existsSync(shipped)) return shipped;
  try {
    const entry = createRequire(import.meta.url).resolve("@scalar/api-reference");
    const bundle = path.join(path.dirname(entry), "browser", "standalone.js");
    return fs.existsSync(bundle) ? bundle : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `/openapi.json` (the document, with the earlier service's routes when they are served), and `/docs`: the
 * document as a page (Scalar's API reference), its script served from the installed package so that the page
 * works with no network beyond the daemon. Both ask for the token like the status page does.
 */
export function apiReferenceRoutes(deps: Pick<AppDeps, "config" | "version">): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const { daemon } = deps.config;
  const legacyPrefix = daemon.legacyRoutes ? daemon.legacyPrefix : undefined;
  // The document is the same for the daemon's life: made once, on first ask.
  let document: Record<string, unknown> | undefined;
  routes.get("/openapi.json", (c) => {
    document ??= openApiDocument(deps.version ?? "0.1.0", { legacyPrefix });
    return c.json(document);
  });

  let bundle: Uint8Array<ArrayBuffer> | undefined;
  routes.get(SCRIPT_ROUTE, (c) => {
    const file = scalarBundlePath();
    if (!file)
      throw new UnavailableError(
        "The API reference's script (dist/scalar/standalone.js) is missing from the installed package; reinstall @producer/daemon.",
        {
          retryable: false,
        },
      );
    bundle ??= new Uint8Array(fs.readFileSync(file));
    return c.body(bundle, 200, {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "max-age=3600",
    });
  });

  // One parameter only: a handler of two reads as middleware to the route listing that checks the document.
  routes.get("/docs", async (c) => {
    const nonce = randomBytes(16).toString("base64");
    const page = Scalar({
      url: "/openapi.json",
      cdn: SCRIPT_ROUTE,
      nonce,
      pageTitle: "producer — API reference",
      withDefaultFonts: false,
      telemetry: false,
      hideClientButton: true,
      // Scalar's own services (its AI agent, its developer tools bar) are not this daemon's.
      agent: { disabled: true },
      showDeveloperTools: "never",
    });
    const answer = (await page(c as unknown as Parameters<typeof page>[0], async () => undefined)) as Response;
    answer.headers.set("content-security-policy", policy(nonce));
    answer.headers.set("cache-control", "no-store");
    return answer;
  });
  return routes;
}
