import type { Logger, SessionStatus } from "@producer/utils";
import { formatDuration } from "./format-duration.js";
import { revocationOf, revokedStatus } from "./login-revocation.js";
import type { AuthCookieFacts, LoginState } from "./login-state.js";

type LoginEnd = Pick<SessionStatus, "expiresAt" | "expiresInSecs" | "warning" | "refreshable" | "accessTokenExpiresAt">;

/**
 * When the login ends, as a status says it: a login with a refresh token has no known end (the page renews its
 * access token); any other ends at its expiry, with a warning once that is under `warningSecs`.
 */
export function loginEndOf(auth: AuthCookieFacts | undefined, warningSecs: number, logger: Logger): LoginEnd {
  if (auth?.refreshable)
    return { refreshable: true, ...(auth.expiresAt ? { accessTokenExpiresAt: auth.expiresAt } : {}) };
  const expiresAt = auth?.expiresAt;
  if (!expiresAt) return {};
  const expiresInSecs = Math.max(0, Math.round((Date.parse(expiresAt) - Date.now()) / 1000));
  const warning =
    expiresInSecs > 0 && expiresInSecs <= warningSecs
      ? `The login ends in ${formatDuration(expiresInSecs)} (${expiresAt}): open the site in \`producer session init\` or import fresh cookies before then.`
      : undefined;
  if (warning) logger.warn({ expiresAt, expiresInSecs }, "the login ends soon");
  return { expiresAt, expiresInSecs, ...(warning ? { warning } : {}) };
}

/**
 * What the login state says without opening the site — none saved, revoked by the site, or ended — or undefined
 * when only the page can tell.
 */
export function offlineStatus(
  stateFile: string,
  state: LoginState | undefined,
  auth: AuthCookieFacts | undefined,
  end: (auth: AuthCookieFacts) => LoginEnd,
): SessionStatus | undefined {
  const checkedAt = new Date().toISOString();
  const revocation = revocationOf(stateFile, state);
  if (revocation) return revokedStatus(revocation);
  if (!state || state.cookies.length === 0) {
    return {
      valid: false,
      code: "SESSION_EXPIRED",
      reason: "No login state yet: run `producer session init` (or `producer session import` on a server).",
      checkedAt,
    };
  }
  if (auth?.expired && !auth.refreshable) {
    return {
      valid: false,
      code: "SESSION_EXPIRED",
      reason: `The login in ${auth.name} ended at ${auth.expiresAt}: sign in again (\`producer session init\` or \`producer session import\`).`,
      checkedAt,
      ...end(auth),
    };
  }
  return undefined;
}
