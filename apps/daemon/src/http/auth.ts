import { createHash, timingSafeEqual } from "node:crypto";
import type { Env, Hono, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { UnauthorizedError } from "@producer/utils";

/** The cookie a browser carries the daemon's token in, once the status page's sign-in form took it. */
export const TOKEN_COOKIE = "producer_token";

/** Compares digests, so neither the content nor the length of the token shows in the time taken. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * A request sent by a page of another site (its `Origin` names another host) is refused whatever it carries:
 * no other site's page may drive the daemon through a visitor's browser, by its cookie or by DNS rebinding.
 * Programs (the client, curl, MCP clients) send no `Origin`.
 */
export const sameOriginOnly: MiddlewareHandler = async (c, next) => {
  const origin = c.req.header("origin");
  if (origin !== undefined && hostOf(origin) !== c.req.header("host")) throw new UnauthorizedError("Requests from another site's page are refused.");
  await next();
};

const hostOf = (origin: string): string | undefined => (URL.canParse(origin) ? new URL(origin).host : undefined);

/** What anyone may reach: the sign-in form's target and its style sheet. */
const OPEN_PATHS = new Set(["POST /login", "GET /status.css"]);

/**
 * With a token configured, every route but the sign-in form wants it: as `Authorization: Bearer`
 * (programs), or as the cookie the status page's sign-in sets (browsers, which cannot send a header with an
 * `<audio>` source or an event stream).
 */
export function requireToken(token: string): MiddlewareHandler {
  return async (c, next) => {
    if (OPEN_PATHS.has(`${c.req.method} ${c.req.path}`)) return next();
    const header = c.req.header("authorization") ?? "";
    const given = header.startsWith("Bearer ") ? header.slice(7) : (getCookie(c, TOKEN_COOKIE) ?? "");
    if (sameSecret(given, token)) return next();
    if (c.req.path === "/" && c.req.method === "GET") return c.html(signInPage(), 401);
    throw new UnauthorizedError();
  };
}

/** `POST /login`: takes the token from the status page's form and keeps it in an HttpOnly, same-site cookie. */
export function addSignIn<E extends Env>(app: Hono<E>, token: string): void {
  app.post("/login", async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const given = typeof form.token === "string" ? form.token : "";
    if (!sameSecret(given, token)) return c.html(signInPage("That token is not the daemon's."), 401);
    setCookie(c, TOKEN_COOKIE, given, { httpOnly: true, sameSite: "Strict", path: "/", secure: new URL(c.req.url).protocol === "https:" });
    return c.redirect("/", 303);
  });
}

function signInPage(problem?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>producer — sign in</title><link rel="stylesheet" href="/status.css"></head>
<body><main class="sign-in"><h1>producer</h1>
<form method="post" action="/login">
<label for="token">The daemon's token (<code>PRODUCER_DAEMON_TOKEN</code>)</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
${problem ? `<p role="alert" class="problem">${problem}</p>` : ""}
<button type="submit">Open the status page</button>
</form></main></body></html>`;
}
