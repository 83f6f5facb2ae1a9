import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { SessionRevokedError, type SessionStatus } from "@producer/utils";
import { refreshTokenOf, type LoginState } from "./login-state.js";

/**
 * The site refused the login's refresh token as already used: it was refreshed elsewhere after it was copied, and
 * Supabase revoked the whole session. Kept beside the login state file, so a restart and `producer session check`
 * (another process) say so too, until a login with another refresh token is taken in.
 */
export interface LoginRevocation {
  /** When the refusal was seen (ISO). */
  at: string;
  /** The token endpoint's words, e.g. "Invalid Refresh Token: Already Used". */
  answer: string;
  /** SHA-256 of the refused refresh token: which login this is about, without keeping the token. */
  tokenDigest: string;
}

const digestOf = (token: string) => createHash("sha256").update(token).digest("hex");

/** The file a revocation is kept in, beside the login state file. */
export const revocationFileOf = (stateFile: string) =>
  path.join(path.dirname(stateFile), `.${path.basename(stateFile)}.revoked.json`);

/** Records that `refusedToken` was refused as already used (mode 0600; the token itself is not kept). */
export function recordRevocation(stateFile: string, refusedToken: string, answer: string): LoginRevocation {
  const revocation: LoginRevocation = { at: new Date().toISOString(), answer, tokenDigest: digestOf(refusedToken) };
  const file = revocationFileOf(stateFile);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, JSON.stringify(revocation), { mode: 0o600 });
  return revocation;
}

/**
 * The revocation that holds for `state`: none when none was recorded, or when the state holds another refresh
 * token than the refused one (a new login was taken in: that lifts it for good, and the record is removed). A
 * state with no refresh token at all (the page cleared its cookie after the refusal) is still the revoked login.
 */
export function revocationOf(stateFile: string, state: LoginState | undefined): LoginRevocation | undefined {
  const file = revocationFileOf(stateFile);
  let revocation: LoginRevocation;
  try {
    revocation = JSON.parse(fs.readFileSync(file, "utf8")) as LoginRevocation;
  } catch {
    return undefined;
  }
  const token = state ? refreshTokenOf(state) : undefined;
  if (token !== undefined && digestOf(token) !== revocation.tokenDigest) {
    fs.rmSync(file, { force: true });
    return undefined;
  }
  return revocation;
}

/** The revocation that holds for the login now, reading the login's state only when one was recorded. */
export async function knownRevocation(
  stateFile: string,
  state: () => Promise<LoginState | undefined>,
): Promise<LoginRevocation | undefined> {
  if (!fs.existsSync(revocationFileOf(stateFile))) return undefined;
  return revocationOf(stateFile, await state().catch(() => undefined));
}

const explanation = (revocation: LoginRevocation) =>
  `This login was refreshed elsewhere after it was copied (another daemon or the browser it came from), so the site revoked it: its refresh was refused at ${revocation.at} ("${revocation.answer}"). Copy the login again from a private window, close that window without signing out, and run \`producer session import\`.`;

/** The error a job ends with on a revoked login. */
export function sessionRevokedError(revocation: LoginRevocation, cause?: unknown): SessionRevokedError {
  return new SessionRevokedError(explanation(revocation), {
    ...(cause === undefined ? {} : { cause }),
    details: { refusedAt: revocation.at, answer: revocation.answer },
  });
}

/** What a session check says of a revoked login. */
export function revokedStatus(revocation: LoginRevocation): SessionStatus {
  return {
    valid: false,
    code: "SESSION_REVOKED",
    reason: explanation(revocation),
    checkedAt: new Date().toISOString(),
  };
}
