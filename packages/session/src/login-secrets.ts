import { AUTH_COOKIE_PATTERN, decodeSessionValue, type LoginState, type StateCookie } from "./login-state.js";

/** Fields of a Supabase session whose values sign in on their own. */
const TOKEN_FIELDS = ["access_token", "refresh_token", "provider_token", "provider_refresh_token", "id_token"] as const;

/** The tokens inside a Supabase session value (`base64-…` or JSON); none when it is not one. */
function tokensOf(value: string): string[] {
  const session = decodeSessionValue(value) as Record<string, unknown> | undefined;
  if (!session) return [];
  return TOKEN_FIELDS.map((field) => session[field]).filter(
    (token): token is string => typeof token === "string" && token !== "",
  );
}

/**
 * Every credential value in login states: each cookie's value (its chunks too), each auth cookie's chunks joined
 * (raw and percent-decoded) and the tokens decoded from it, and the same for an auth session kept in local
 * storage. Distinct values, no empty ones.
 */
export function secretsOfLoginStates(states: Iterable<LoginState | undefined>): string[] {
  const secrets = new Set<string>();
  const add = (value: string) => {
    if (value) secrets.add(value);
  };
  const addSession = (value: string) => {
    add(value);
    let decoded = value;
    try {
      decoded = decodeURIComponent(value);
    } catch {
      // not percent-encoded
    }
    add(decoded);
    for (const token of tokensOf(decoded)) add(token);
  };
  for (const state of states) {
    if (!state) continue;
    const groups = new Map<string, StateCookie[]>();
    for (const cookie of state.cookies) {
      add(cookie.value);
      if (!AUTH_COOKIE_PATTERN.test(cookie.name)) continue;
      const key = `${cookie.domain}|${cookie.name.replace(/\.\d+$/, "")}`;
      groups.set(key, [...(groups.get(key) ?? []), cookie]);
    }
    const chunkNumber = (cookie: StateCookie) => Number(/\.(\d+)$/.exec(cookie.name)?.[1] ?? -1);
    for (const cookies of groups.values()) {
      addSession(
        [...cookies]
          .sort((a, b) => chunkNumber(a) - chunkNumber(b))
          .map((cookie) => cookie.value)
          .join(""),
      );
    }
    for (const origin of state.origins ?? []) {
      for (const item of origin.localStorage ?? []) if (AUTH_COOKIE_PATTERN.test(item.name)) addSession(item.value);
    }
  }
  return [...secrets];
}
