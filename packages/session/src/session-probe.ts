import type { AccountConfig } from "@producer/config";
import { ProducerError, type Logger, type SessionStatus } from "@producer/utils";
import type { BrowserPool } from "./browser-pool.js";
import { knownRevocation, sessionRevokedError, type LoginRevocation } from "./login-revocation.js";
import { authCookieOf, readLoginState } from "./login-state.js";
import { loginEndOf, offlineStatus } from "./login-status.js";
import type { SignInCoordinator } from "./sign-in.js";
import type { SiteDriver } from "./site-driver.js";

export interface SessionProbeOptions {
  pool: BrowserPool;
  driver: SiteDriver;
  account: AccountConfig;
  /** Set when credentials are configured: a dead login is then signed through, so only the page can tell. */
  signIn: SignInCoordinator | undefined;
  /** A login with a known end warns this long before it. */
  expiryWarningSecs: number;
  logger: Logger;
}

/** What a failed session check says: the error's code and message. */
export const statusFrom = (error: ProducerError): SessionStatus => ({
  valid: false,
  code: error.code,
  reason: error.message,
  checkedAt: new Date().toISOString(),
});

/**
 * How one account's session check finds its answer: from the login state alone when that tells (none, revoked,
 * ended), through a page already open on the site, or by opening the studio.
 */
export class SessionProbe {
  constructor(private readonly options: SessionProbeOptions) {}

  /**
   * The status a page already on the site gives through its own credits call, loading nothing; undefined when no
   * idle page is there or the call said nothing usable (then the studio is opened). A refused token is not taken
   * as signed out here: the page renews its token as it loads, so that is left to the full check.
   */
  async readOpenPage(): Promise<SessionStatus | undefined> {
    const pooled = this.options.pool.lendIdle((page) => page.url().startsWith(this.options.account.site.baseUrl));
    if (!pooled) return undefined;
    let broken = false;
    try {
      const balance = await this.options.driver.readBalance(pooled.page);
      if (!balance || !("credits" in balance)) return undefined;
      const state = await this.options.pool.currentState();
      const auth = state ? authCookieOf(state) : undefined;
      return {
        valid: true,
        reason: "Signed in: the open page read the balance.",
        checkedAt: new Date().toISOString(),
        credits: balance.credits,
        ...this.loginEnd(auth),
      };
    } catch {
      broken = true;
      return undefined;
    } finally {
      await this.options.pool.release(pooled, { broken, light: true });
    }
  }

  async probe(signal?: AbortSignal): Promise<SessionStatus> {
    const checkedAt = new Date().toISOString();
    const state = (await this.options.pool.currentState()) ?? readLoginState(this.options.account.stateFile);
    const auth = state ? authCookieOf(state) : undefined;
    // With credentials configured a dead login is signed through, so only the page can tell.
    const offline = this.options.signIn
      ? undefined
      : offlineStatus(this.options.account.stateFile, state, auth, (facts) => this.loginEnd(facts));
    if (offline) return offline;
    const pooled = await this.options.pool.acquire(signal);
    let broken = false;
    try {
      const { credits } = await this.options.driver.openStudio(pooled.page, signal);
      // The page may have refreshed the access token (and rotated the refresh token) while it opened.
      await this.options.pool.saveState().catch(() => undefined);
      const after = await this.options.pool.currentState();
      const now = (after ? authCookieOf(after) : undefined) ?? auth;
      return {
        valid: true,
        reason: now?.refreshable
          ? "Signed in: the studio is open, and the page refreshes its access token with the saved refresh token."
          : "Signed in: the studio is open.",
        checkedAt,
        ...(credits !== undefined ? { credits } : {}),
        ...this.loginEnd(now),
      };
    } catch (error) {
      broken = true;
      const failure = this.options.pool.crashError(error, pooled);
      if (!ProducerError.isInstance(failure)) throw failure;
      return { ...statusFrom(await this.revokedInstead(failure)), checkedAt };
    } finally {
      await this.options.pool.release(pooled, { broken });
    }
  }

  /** When the login ends, how long it has left, and a warning once that is under `session.expiryWarningSecs`. */
  private loginEnd(auth: Parameters<typeof loginEndOf>[0]) {
    return loginEndOf(auth, this.options.expiryWarningSecs, this.options.logger);
  }

  /** A login wall on a login the site refused as already used is its revocation, and says so. */
  async revokedInstead(failure: ProducerError): Promise<ProducerError> {
    const revocation = failure.code === "SESSION_EXPIRED" ? await this.knownRevocation() : undefined;
    return revocation ? sessionRevokedError(revocation, failure) : failure;
  }

  /** The revocation that holds for the login now, if one was recorded. */
  knownRevocation(): Promise<LoginRevocation | undefined> {
    return knownRevocation(this.options.account.stateFile, () => this.options.pool.currentState());
  }
}
