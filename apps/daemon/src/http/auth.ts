import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Context, Env, Hono, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { RateLimitedError, UnauthorizedError } from "@producer/utils";
import { requestSource } from "./request-source.js";

/** The cookie a browser carries the daemon's token in, once the status page's sign-in form took it. */
export const TOKEN_COOKIE = "producer_token";

/** Compares digests, so neither the content nor the length of the token shows in the time taken. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** What anyone may reach: the sign-in form's target and its style sheet. */
const OPEN_PATHS = new Set(["POST /login", "GET /login", "GET /status.css"]);

/**
 * Every route but the sign-in form wants the token: as `Authorization: Bearer` (programs), or as the cookie the
 * status page's sign-in sets (browsers, which cannot send a header with an `<audio>` source or an event
 * stream). Over TCP that is `tokens.tcp` (configured, or made at first start); over the socket, whose file only
 * its owner can open, only a configured token is asked for.
 */
export function requireToken(tokens: { tcp: string | undefined; socket: string | undefined }): MiddlewareHandler {
  return async (c, next) => {
    const token = requestSource(c).transport === "tcp" ? tokens.tcp : tokens.socket;
    if (!token || OPEN_PATHS.has(`${c.req.method} ${c.req.path}`)) return next();
    const header = c.req.header("authorization") ?? "";
    const given = header.startsWith("Bearer ") ? header.slice(7) : (getCookie(c, TOKEN_COOKIE) ?? "");
    if (sameSecret(given, token)) return next();
    if ((c.req.path === "/" || c.req.path === "/docs") && c.req.method === "GET") return c.html(signInPage(), 401);
    throw new UnauthorizedError();
  };
}

/** At most `perMinute` failed tries per client in any minute: guessing the token from a page or a script is slow. */
class AttemptLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(private readonly perMinute: number) {}

  /** The milliseconds `client` must wait before trying again; undefined when it may try now. */
  waitFor(client: string, now = Date.now()): number | undefined {
    const recent = (this.failures.get(client) ?? []).filter((at) => now - at < 60_000);
    this.failures.set(client, recent);
    return recent.length >= this.perMinute ? 60_000 - (now - (recent[0] as number)) : undefined;
  }

  failed(client: string, now = Date.now()): void {
    if (this.failures.size > 10_000) this.failures.clear();
    this.failures.set(client, [...(this.failures.get(client) ?? []), now]);
  }
}

/** One-time sign-in codes for the status page, minted for the socket's owner (`producer open`). */
export class SignInCodes {
  private readonly codes = new Map<string, number>();

  mint(lifetimeMs = 120_000): { code: string; expiresAt: string } {
    const now = Date.now();
    for (const [code, expires] of this.codes) if (expires <= now) this.codes.delete(code);
    const code = randomBytes(24).toString("base64url");
    this.codes.set(code, now + lifetimeMs);
    return { code, expiresAt: new Date(now + lifetimeMs).toISOString() };
  }

  /** Whether `code` is live; it is used up either way. */
  redeem(code: string): boolean {
    const expires = this.codes.get(code);
    this.codes.delete(code);
    return expires !== undefined && expires > Date.now();
  }
}

/**
 * `POST /login` takes the token from the status page's form; `GET /login?code=` a one-time code from
 * `producer open`. Either keeps the token in an HttpOnly, same-site cookie. Attempts are limited per client.
 */
export function addSignIn<E extends Env>(
  app: Hono<E>,
  options: { token: string; attemptsPerMinute: number; codes: SignInCodes },
): void {
  const limiter = new AttemptLimiter(options.attemptsPerMinute);
  const signIn = (c: Context<E>) => {
    setCookie(c, TOKEN_COOKIE, options.token, {
      httpOnly: true,
      sameSite: "Strict",
      path: "/",
      secure: new URL(c.req.url).protocol === "https:",
    });
    return c.redirect("/", 303);
  };
  const limit = (c: Context<E>) => {
    const waitMs = limiter.waitFor(requestSource(c).client);
    if (waitMs !== undefined)
      throw new RateLimitedError("Too many failed sign-in attempts; wait a minute.", {
        details: { retryAfterMs: waitMs },
      });
  };
  const refuse = (c: Context<E>, problem: string) => {
    limiter.failed(requestSource(c).client);
    return c.html(signInPage(problem), 401);
  };
  app.post("/login", async (c) => {
    limit(c);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const given = typeof form.token === "string" ? form.token : "";
    if (!sameSecret(given, options.token)) return refuse(c, "That token is not the daemon's.");
    return signIn(c);
  });
  app.get("/login", (c) => {
    limit(c);
    if (!options.codes.redeem(c.req.query("code") ?? ""))
      return refuse(c, "That sign-in link is used up or too old: run `producer open` again.");
    return signIn(c);
  });
}

function signInPage(problem?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>producer — sign in</title><link rel="stylesheet" href="/status.css"></head>
<body><main class="sign-in"><h1>producer</h1>
<form method="post" action="/login">
<label for="token">The daemon's token (<code>PRODUCER_DAEMON_TOKEN</code>, or the file <code>daemon-token</code> in its data dir; <code>producer open</code> prints a link that signs in)</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
${problem ? `<p role="alert" class="problem">${problem}</p>` : ""}
<button type="submit">Open the status page</button>
</form></main></body></html>`;
}
