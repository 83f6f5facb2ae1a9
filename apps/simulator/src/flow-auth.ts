import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { FlowSessionJson, FlowUser } from "./flow-accounts.js";

export interface FlowAuthSettings {
  /** How long an access token lives (the real one: about an hour). */
  accessTokenTtlSecs: number;
  /** How long a refresh token keeps working after it was rotated (Supabase's reuse interval: 10 s). */
  refreshReuseSecs: number;
  /** How long a refresh token lives at all: the login's lifetime. */
  sessionTtlSecs: number;
}

interface AccessRecord {
  email: string;
  expiresAtSecs: number;
  /** The sign-in this token descends from: revoking the session ends every token of it. */
  family: string;
}

interface RefreshRecord {
  email: string;
  expiresAtSecs: number;
  family: string;
  /** `revoked`: ended by a sign-out or an expiry (the token is then not found), not by reuse. */
  state: "live" | "rotated" | "revoked";
  rotatedAtMs?: number;
  /** What rotating it gave: answered again to a reuse inside the reuse window, as Supabase does. */
  successor?: FlowSessionJson;
}

const nowSecs = () => Math.floor(Date.now() / 1000);

/** What the token endpoint makes of a refresh token: a new session, or the reason it is refused. */
export type RotateResult =
  | { session: FlowSessionJson }
  | {
      /**
       * `already-used`: a rotated token used past the reuse window, or any token of a session revoked for that
       * (Supabase's reuse detection); `not-found`: unknown, expired, or ended by a sign-out.
       */
      refused: "already-used" | "not-found";
      /** The refusal revoked its session just now (counted once per session). */
      revokedSession?: boolean;
    };

/**
 * Supabase-style tokens: a short-lived access token (the Bearer of every `/__api/*` call) and a long-lived refresh
 * token that rotates — refreshing gives a new pair, and the old refresh token stops working once its reuse window
 * has passed. Using it after that is taken as theft, as Supabase does: the whole session (every token descended
 * from the same sign-in) is revoked, so each holder of it — open pages included — is signed out.
 */
export class FlowAuth {
  private readonly users = new Map<string, FlowUser>();
  private readonly accessTokens = new Map<string, AccessRecord>();
  private readonly refreshTokens = new Map<string, RefreshRecord>();
  /** Sessions (sign-in families) revoked for a reused refresh token. */
  private readonly revokedFamilies = new Set<string>();

  constructor(private readonly settings: FlowAuthSettings) {}

  /** The account's user object; its id is fixed per email, as the user-id listing path needs. */
  userOf(email: string): FlowUser {
    let user = this.users.get(email);
    if (!user) {
      const digest = createHash("sha256").update(`flow-user:${email}`).digest("hex");
      const id = `${digest.slice(0, 8)}-${digest.slice(8, 12)}-4${digest.slice(13, 16)}-a${digest.slice(17, 20)}-${digest.slice(20, 32)}`;
      // The real user object is long (metadata, identities, avatar URLs): long enough that the cookie needs two chunks.
      const avatarUrl = `https://lh3.googleusercontent.com/a/${createHash("sha512").update(email).digest("base64url").repeat(6)}=s96-c`;
      const metadata = {
        avatar_url: avatarUrl,
        email,
        email_verified: true,
        full_name: "Simulated Producer",
        name: "Simulated Producer",
        picture: avatarUrl,
        provider_id: digest.slice(0, 21),
        sub: digest.slice(0, 21),
      };
      user = {
        id,
        aud: "authenticated",
        role: "authenticated",
        email,
        app_metadata: { provider: "google", providers: ["google"] },
        user_metadata: metadata,
        identities: [
          {
            identity_id: digest.slice(32, 64),
            id: digest.slice(0, 21),
            user_id: id,
            identity_data: metadata,
            provider: "google",
          },
        ],
        created_at: "2025-11-02T10:00:00.000Z",
      };
      this.users.set(email, user);
    }
    return user;
  }

  /** A new login: a fresh access token (living `accessTtlSecs`) and refresh token, as sign-in gives. */
  issue(
    email: string,
    options: { accessTtlSecs?: number; refreshTokenDead?: boolean; providerToken?: boolean } = {},
  ): FlowSessionJson {
    const session = this.newPair(email, options.accessTtlSecs ?? this.settings.accessTokenTtlSecs, randomUUID());
    if (options.refreshTokenDead) (this.refreshTokens.get(session.refresh_token) as RefreshRecord).state = "revoked";
    return options.providerToken === false
      ? session
      : { ...session, provider_token: randomBytes(900).toString("base64url") };
  }

  /** The account whose access token this is, while it lives. */
  accountOfAccessToken(token: string | undefined): string | undefined {
    const record = token ? this.accessTokens.get(token) : undefined;
    return record && record.expiresAtSecs > nowSecs() && !this.revokedFamilies.has(record.family)
      ? record.email
      : undefined;
  }

  /**
   * Rotates a refresh token: the new session; the same one again for a rotated token inside the reuse window;
   * past it, the whole session is revoked and the token refused as already used.
   */
  rotate(refreshToken: string | undefined): RotateResult {
    const record = refreshToken ? this.refreshTokens.get(refreshToken) : undefined;
    if (!record || record.state === "revoked" || record.expiresAtSecs <= nowSecs()) return { refused: "not-found" };
    if (this.revokedFamilies.has(record.family)) return { refused: "already-used" };
    if (record.state === "rotated") {
      const insideWindow = Date.now() - (record.rotatedAtMs ?? 0) <= this.settings.refreshReuseSecs * 1000;
      if (insideWindow && record.successor) return { session: record.successor };
      this.revokedFamilies.add(record.family);
      return { refused: "already-used", revokedSession: true };
    }
    const session = this.newPair(record.email, this.settings.accessTokenTtlSecs, record.family);
    record.state = "rotated";
    record.rotatedAtMs = Date.now();
    record.successor = session;
    return { session };
  }

  /** Ends every login (or one account's): access tokens expire and refresh tokens are revoked. */
  expire(email?: string): void {
    for (const record of this.accessTokens.values())
      if (email === undefined || record.email === email) record.expiresAtSecs = 0;
    this.revokeRefreshTokens(email);
  }

  /** A sign-out: every token of the refresh token's session ends (it is then not found, not "already used"). */
  signOut(refreshToken: string | undefined): void {
    const family = refreshToken ? this.refreshTokens.get(refreshToken)?.family : undefined;
    if (family === undefined) return;
    for (const record of this.accessTokens.values()) if (record.family === family) record.expiresAtSecs = 0;
    for (const record of this.refreshTokens.values()) if (record.family === family) record.state = "revoked";
  }

  /** Revokes refresh tokens only: pages keep working until the access token ends, then sign out. */
  revokeRefreshTokens(email?: string): void {
    for (const record of this.refreshTokens.values())
      if (email === undefined || record.email === email) record.state = "revoked";
  }

  /** The refresh tokens that would be honoured now (not rotated, revoked, or expired), oldest first. */
  liveRefreshTokens(email?: string): string[] {
    return [...this.refreshTokens]
      .filter(
        ([, record]) =>
          (email === undefined || record.email === email) &&
          record.state === "live" &&
          record.expiresAtSecs > nowSecs() &&
          !this.revokedFamilies.has(record.family),
      )
      .map(([token]) => token);
  }

  /**
   * A Supabase access token is a JWT: its claims name the user and the session (`session_id`, the same for every
   * token of one sign-in, however often it rotates). Signed with a key of this simulator's own.
   */
  private accessJwt(email: string, family: string, expiresAt: number): string {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const claims = {
      aud: "authenticated",
      exp: expiresAt,
      iat: nowSecs(),
      sub: this.userOf(email).id,
      email,
      role: "authenticated",
      session_id: family,
      is_anonymous: false,
    };
    return `${part({ alg: "HS256", typ: "JWT" })}.${part(claims)}.${randomBytes(32).toString("base64url")}`;
  }

  private newPair(email: string, accessTtlSecs: number, family: string): FlowSessionJson {
    const expiresAt = nowSecs() + accessTtlSecs;
    const accessToken = this.accessJwt(email, family, expiresAt);
    const refreshToken = randomBytes(9).toString("base64url");
    this.accessTokens.set(accessToken, { email, expiresAtSecs: expiresAt, family });
    this.refreshTokens.set(refreshToken, {
      email,
      family,
      expiresAtSecs: nowSecs() + this.settings.sessionTtlSecs,
      state: "live",
    });
    return {
      access_token: accessToken,
      token_type: "bearer",
      expires_in: accessTtlSecs,
      expires_at: expiresAt,
      refresh_token: refreshToken,
      user: this.userOf(email),
    };
  }
}
