/**
 * The 2026 app's login cookie, as supabase-ssr writes it: one value `base64-<base64url of the session JSON>`
 * split into chunks named `<base>.0`, `<base>.1`, … The cookies are not HttpOnly: the page's own script reads
 * them for its Bearer token and writes them back after a refresh.
 */

/** The cookie name seen on the real app in 2026 (`sb-<ref>-auth-token` with the project ref `sb`). */
export const FLOW_COOKIE_BASE = "sb-sb-auth-token";
/** supabase-ssr splits a cookie value into chunks of at most this many characters. */
export const COOKIE_CHUNK_CHARS = 3180;
/** supabase-ssr keeps its cookies for 400 days; the JSON inside says when the access token ends. */
export const COOKIE_MAX_AGE_SECS = 400 * 24 * 3600;

export interface FlowUser {
  id: string;
  aud: "authenticated";
  role: "authenticated";
  email: string;
  app_metadata: { provider: "google"; providers: string[] };
  user_metadata: Record<string, unknown>;
  identities: Array<Record<string, unknown>>;
  created_at: string;
}

/** The session JSON Supabase keeps in the cookie and answers from its token endpoint. */
export interface FlowSessionJson {
  access_token: string;
  token_type: "bearer";
  expires_in: number;
  /** Unix seconds: when the access token ends (not the login). */
  expires_at: number;
  refresh_token: string;
  user: FlowUser;
  /** Google's token; only present right after sign-in (Supabase drops it on refresh). */
  provider_token?: string;
}

/** The session JSON as the chunked cookies that carry it. */
export function encodeSessionCookie(session: FlowSessionJson): Array<{ name: string; value: string }> {
  const value = `base64-${Buffer.from(JSON.stringify(session)).toString("base64url")}`;
  const chunks: Array<{ name: string; value: string }> = [];
  for (let offset = 0, index = 0; offset < value.length; offset += COOKIE_CHUNK_CHARS, index += 1) {
    chunks.push({ name: `${FLOW_COOKIE_BASE}.${index}`, value: value.slice(offset, offset + COOKIE_CHUNK_CHARS) });
  }
  return chunks;
}

/** Joins the chunks found among the request's cookies and reads the session JSON; undefined when absent or unreadable. */
export function decodeSessionCookie(cookies: Record<string, string>): Partial<FlowSessionJson> | undefined {
  const chunks: string[] = [];
  for (let index = 0; cookies[`${FLOW_COOKIE_BASE}.${index}`] !== undefined; index += 1) {
    chunks.push(cookies[`${FLOW_COOKIE_BASE}.${index}`] as string);
  }
  const value = chunks.join("") || cookies[FLOW_COOKIE_BASE];
  if (!value?.startsWith("base64-")) return undefined;
  try {
    return JSON.parse(
      Buffer.from(value.slice("base64-".length), "base64url").toString("utf8"),
    ) as Partial<FlowSessionJson>;
  } catch {
    return undefined;
  }
}

/**
 * `Set-Cookie` lines that replace the login cookie with a new session: its chunks, and an expiry for each chunk
 * the request still had beyond them (a shorter value needs fewer chunks).
 */
export function sessionSetCookieLines(session: FlowSessionJson, previousCookies: Record<string, string>): string[] {
  const chunks = encodeSessionCookie(session);
  const lines = chunks.map(
    (chunk) => `${chunk.name}=${chunk.value}; Path=/; Max-Age=${COOKIE_MAX_AGE_SECS}; SameSite=Lax`,
  );
  for (let index = chunks.length; previousCookies[`${FLOW_COOKIE_BASE}.${index}`] !== undefined; index += 1) {
    lines.push(`${FLOW_COOKIE_BASE}.${index}=; Path=/; Max-Age=0; SameSite=Lax`);
  }
  return lines;
}

/** `Set-Cookie` lines that sign out: every chunk the request had, expired. */
export function clearSessionCookieLines(previousCookies: Record<string, string>): string[] {
  return Object.keys(previousCookies)
    .filter((name) => name.startsWith(`${FLOW_COOKIE_BASE}.`))
    .map((name) => `${name}=; Path=/; Max-Age=0; SameSite=Lax`);
}
