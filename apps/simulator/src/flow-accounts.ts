import { randomBytes, randomUUID } from "node:crypto";

/** The Supabase project ref in the simulated auth cookie's name. */
export const FLOW_PROJECT_REF = "flowsim";
export const FLOW_COOKIE_BASE = `sb-${FLOW_PROJECT_REF}-auth-token`;
/** Supabase splits a cookie value into chunks of this many characters. */
const CHUNK_CHARS = 3180;

export interface FlowSession {
  accessToken: string;
  email: string;
  /** Unix seconds, as in the cookie's JSON. */
  expiresAt: number;
}

/** The session JSON the real site keeps in its cookie: `base64-<base64 of JSON>`, split in `.0`, `.1`, … chunks. */
export function encodeSessionCookie(session: FlowSession): Array<{ name: string; value: string }> {
  const json = JSON.stringify({
    access_token: session.accessToken,
    token_type: "bearer",
    expires_in: Math.max(0, session.expiresAt - Math.floor(Date.now() / 1000)),
    expires_at: session.expiresAt,
    refresh_token: randomBytes(12).toString("base64url"),
    user: {
      id: randomUUID(),
      aud: "authenticated",
      email: session.email,
      app_metadata: { provider: "google", providers: ["google"] },
      // The real user object is long (identities, avatar URLs, …): enough that the cookie needs two chunks.
      user_metadata: { full_name: "Simulated Producer", avatar_url: `https://example.test/${"a".repeat(1800)}.png` },
    },
    provider_token: randomBytes(900).toString("base64url"),
  });
  const value = `base64-${Buffer.from(json).toString("base64url")}`;
  const chunks: Array<{ name: string; value: string }> = [];
  for (let offset = 0, index = 0; offset < value.length; offset += CHUNK_CHARS, index += 1) {
    chunks.push({ name: `${FLOW_COOKIE_BASE}.${index}`, value: value.slice(offset, offset + CHUNK_CHARS) });
  }
  return chunks;
}

/** Joins the chunks found in a cookie header map and reads the session JSON; undefined when absent or unreadable. */
export function decodeSessionCookie(cookies: Record<string, string>): { access_token?: string; expires_at?: number } | undefined {
  const chunks: string[] = [];
  for (let index = 0; cookies[`${FLOW_COOKIE_BASE}.${index}`] !== undefined; index += 1) {
    chunks.push(cookies[`${FLOW_COOKIE_BASE}.${index}`] as string);
  }
  const value = chunks.join("") || cookies[FLOW_COOKIE_BASE];
  if (!value?.startsWith("base64-")) return undefined;
  try {
    return JSON.parse(Buffer.from(value.slice("base64-".length), "base64url").toString("utf8")) as {
      access_token?: string;
      expires_at?: number;
    };
  } catch {
    return undefined;
  }
}
