import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { InvalidInputError } from "@producer/utils";

/** One cookie as Playwright keeps it in a storage state. */
export interface StateCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  /** Unix seconds; -1 for a session cookie. */
  expires: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite: "Strict" | "Lax" | "None";
}

/** The login state file: Playwright's `storageState` format. */
export interface LoginState {
  cookies: StateCookie[];
  origins: Array<{ origin: string; localStorage: Array<{ name: string; value: string }> }>;
}

/** The site's auth cookie: Supabase names it `sb-<project>-auth-token`, sometimes split into `.0`, `.1` chunks. */
export const AUTH_COOKIE_PATTERN = /^sb-[A-Za-z0-9-]*-auth-token(\.\d+)?$/;

/** Writes the login state with mode 0600, atomically: a reader sees the old file or the new one, never half. */
export function writeLoginState(file: string, state: LoginState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomUUID()}.tmp`);
  fs.writeFileSync(temporary, JSON.stringify(state, null, 2), { mode: 0o600, flag: "wx" });
  fs.renameSync(temporary, file);
  fs.chmodSync(file, 0o600);
}

/** The saved login state, or undefined when there is none. A file that is not a state is an error, not "none". */
export function readLoginState(file: string): LoginState | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return normalizeLoginState(JSON.parse(text) as unknown, file);
}

const SAME_SITE: Record<string, StateCookie["sameSite"]> = {
  strict: "Strict",
  lax: "Lax",
  none: "None",
  no_restriction: "None",
  unspecified: "Lax",
};

function normalizeCookie(raw: unknown, index: number, source: string): StateCookie {
  const cookie = raw as Record<string, unknown>;
  const name = cookie.name;
  const value = cookie.value;
  const domain = cookie.domain ?? cookie.host;
  if (typeof name !== "string" || typeof value !== "string" || typeof domain !== "string" || !name || !domain) {
    throw new InvalidInputError(`Cookie ${index + 1} in ${source} needs a name, a value and a domain.`, [
      { path: `cookies[${index}]`, message: "needs name, value and domain" },
    ]);
  }
  // Playwright uses `expires` (seconds, -1 = session); browser-extension exports use `expirationDate` and `session`.
  const expiresRaw = cookie.expires ?? cookie.expirationDate;
  const expires =
    cookie.session === true || expiresRaw === undefined || expiresRaw === null ? -1 : Math.floor(Number(expiresRaw));
  const sameSiteRaw = typeof cookie.sameSite === "string" ? cookie.sameSite.toLowerCase() : "lax";
  return {
    name,
    value,
    domain,
    path: typeof cookie.path === "string" && cookie.path ? cookie.path : "/",
    expires: Number.isFinite(expires) ? expires : -1,
    httpOnly: cookie.httpOnly === true,
    secure: cookie.secure === true,
    sameSite: SAME_SITE[sameSiteRaw] ?? "Lax",
  };
}

/**
 * Accepts a Playwright storage state (`{ cookies, origins }`) or a plain cookie list as exported by browser
 * extensions (EditThisCookie, Cookie-Editor), and returns a storage state.
 */
export function normalizeLoginState(input: unknown, source = "the login state"): LoginState {
  const cookies = Array.isArray(input) ? input : (input as { cookies?: unknown } | null)?.cookies;
  if (!Array.isArray(cookies)) {
    throw new InvalidInputError(`${source} is neither a storage state ({ "cookies": [...] }) nor a list of cookies.`, [
      { path: "cookies", message: "expected a list of cookies" },
    ]);
  }
  const origins = Array.isArray(input) ? [] : ((input as { origins?: LoginState["origins"] }).origins ?? []);
  return { cookies: cookies.map((cookie, index) => normalizeCookie(cookie, index, source)), origins };
}

export interface AuthCookieFacts {
  /** The cookie's name, without a chunk suffix. */
  name: string;
  /** ISO time, or undefined for a session cookie without an `expires_at` inside. */
  expiresAt: string | undefined;
  expired: boolean;
  /** Where the end came from: the session JSON's `expires_at`, or the cookie's own expiry. */
  source: "expires_at" | "cookie";
  /** The site's host the cookie belongs to. */
  domain: string;
  /**
   * The session holds a refresh token: `expiresAt` is then only the access token's end (about an hour), and the
   * page refreshes it while it is open — the login lasts as long as the refresh token works.
   */
  refreshable: boolean;
}

/**
 * Reads a Supabase session cookie's value: chunks `.0`, `.1`, … joined, `base64-` then base64url JSON (a plain
 * JSON value is read too). Undefined when it is not one.
 */
export function decodeSessionValue(
  value: string,
): { expires_at?: number; refresh_token?: string; access_token?: string } | undefined {
  try {
    const text = value.startsWith("base64-")
      ? Buffer.from(value.slice(7), "base64url").toString("utf8")
      : decodeURIComponent(value);
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === "object" && parsed !== null
      ? (parsed as { expires_at?: number; refresh_token?: string; access_token?: string })
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The auth cookie of the state, if any, and when its access token ends: the `expires_at` inside the session
 * JSON when the value holds one, else the cookie's own expiry. With a refresh token (`refreshable`) a past
 * `expires_at` is not signed out: the page refreshes the token; only the page can tell a dead login.
 */
export function authCookieOf(state: LoginState, now = Date.now()): AuthCookieFacts | undefined {
  const facts: AuthCookieFacts[] = [];
  for (const { domain, name, cookies, session } of authCookieGroups(state)) {
    const expiresAtSecs = typeof session?.expires_at === "number" ? session.expires_at : undefined;
    const cookieExpiry = cookies.reduce(
      (latest, cookie) => (cookie.expires === -1 || latest === -1 ? -1 : Math.max(latest, cookie.expires)),
      0,
    );
    const end = expiresAtSecs ?? (cookieExpiry === -1 ? undefined : cookieExpiry);
    facts.push({
      name,
      domain,
      source: expiresAtSecs !== undefined ? "expires_at" : "cookie",
      expiresAt: end === undefined ? undefined : new Date(end * 1000).toISOString(),
      expired: end !== undefined && end * 1000 <= now,
      refreshable: typeof session?.refresh_token === "string" && session.refresh_token !== "",
    });
  }
  if (facts.length === 0) return undefined;
  // The login that lasts longest is the one in use.
  return facts.reduce((a, b) =>
    a.expiresAt === undefined || (b.expiresAt !== undefined && a.expiresAt >= b.expiresAt) ? a : b,
  );
}

/**
 * The refresh token of the state's auth cookie (of the login that lasts longest), or undefined when it has none:
 * what rotates each time the page refreshes the login.
 */
export function refreshTokenOf(state: LoginState): string | undefined {
  const groups = authCookieGroups(state).filter((group) => typeof group.session?.refresh_token === "string");
  const latest = groups.reduce<(typeof groups)[number] | undefined>(
    (best, group) => (best && (best.session?.expires_at ?? 0) >= (group.session?.expires_at ?? 0) ? best : group),
    undefined,
  );
  return latest?.session?.refresh_token || undefined;
}

/**
 * The Supabase session id of the state's login: the `session_id` claim of its access token (a JWT). One login
 * copied into two places has one session id, however often its tokens rotate. Undefined when there is none.
 */
export function sessionIdOf(state: LoginState): string | undefined {
  for (const { session } of authCookieGroups(state)) {
    const payload = session?.access_token?.split(".")[1];
    if (!payload) continue;
    try {
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { session_id?: unknown };
      if (typeof claims.session_id === "string" && claims.session_id) return claims.session_id;
    } catch {
      // Not a JWT: no session id to tell.
    }
  }
  return undefined;
}

/** The state's auth cookies by domain and name, their chunks joined in order and decoded. */
function authCookieGroups(state: LoginState): Array<{
  domain: string;
  name: string;
  cookies: StateCookie[];
  session: ReturnType<typeof decodeSessionValue>;
}> {
  const groups = new Map<string, StateCookie[]>();
  for (const cookie of state.cookies) {
    if (!AUTH_COOKIE_PATTERN.test(cookie.name)) continue;
    const base = cookie.name.replace(/\.\d+$/, "");
    const key = `${cookie.domain}|${base}`;
    groups.set(key, [...(groups.get(key) ?? []), cookie]);
  }
  return [...groups].map(([key, cookies]) => {
    const [domain = "", name = ""] = key.split("|");
    const chunkNumber = (cookie: StateCookie) => Number(/\.(\d+)$/.exec(cookie.name)?.[1] ?? -1);
    const value = [...cookies]
      .sort((a, b) => chunkNumber(a) - chunkNumber(b))
      .map((cookie) => cookie.value)
      .join("");
    return { domain, name, cookies, session: decodeSessionValue(value) };
  });
}
