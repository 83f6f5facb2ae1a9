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
    throw new InvalidInputError(
      `${source} is neither a storage state ({ "cookies": [...] }) nor a list of cookies.`,
      [{ path: "cookies", message: "expected a list of cookies" }],
    );
  }
  const origins = Array.isArray(input) ? [] : ((input as { origins?: LoginState["origins"] }).origins ?? []);
  return { cookies: cookies.map((cookie, index) => normalizeCookie(cookie, index, source)), origins };
}

export interface AuthCookieFacts {
  name: string;
  /** ISO time, or undefined for a session cookie. */
  expiresAt: string | undefined;
  expired: boolean;
}

/** The auth cookie of the state, if any, and whether it has run out. */
export function authCookieOf(state: LoginState, now = Date.now()): AuthCookieFacts | undefined {
  const auth = state.cookies.filter((cookie) => AUTH_COOKIE_PATTERN.test(cookie.name));
  if (auth.length === 0) return undefined;
  const latest = auth.reduce((a, b) => (a.expires === -1 || (b.expires !== -1 && a.expires >= b.expires) ? a : b));
  return {
    name: latest.name,
    expiresAt: latest.expires === -1 ? undefined : new Date(latest.expires * 1000).toISOString(),
    expired: latest.expires !== -1 && latest.expires * 1000 <= now,
  };
}
