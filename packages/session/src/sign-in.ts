import type { Page } from "playwright";
import {
  ChallengeError,
  LoginFailedError,
  SessionExpiredError,
  silentLogger,
  TimeoutError,
  type Logger,
} from "@producer/utils";
import type { BrowserPool } from "./browser-pool.js";
import { waitForFirst } from "./page-watch.js";
import { locate, siteUrl } from "./locators.js";
import type { Site } from "./site.js";

export interface Credentials {
  email: string;
  password: string;
}

/**
 * Signs in again with configured credentials when the session has expired: one sign-in at a time per account,
 * shared by every page that needs it; the new state is saved. A refused sign-in is remembered and never tried
 * again blindly (that locks accounts) until `reset()`.
 */
export class SignInCoordinator {
  private inFlight: Promise<void> | undefined;
  private refused: LoginFailedError | undefined;
  private readonly logger: Logger;
  /** Sign-ins performed, for metrics and tests. */
  count = 0;

  constructor(private readonly options: { site: Site; credentials: Credentials; pool: BrowserPool; logger?: Logger }) {
    this.logger = options.logger ?? silentLogger;
  }

  /** The password: typed into the sign-in form, it is in a trace of that page, to be scrubbed like the cookies. */
  get secrets(): string[] {
    return [this.options.credentials.password];
  }

  /** Forget a refused sign-in (after the credentials or the saved state changed). */
  reset(): void {
    this.refused = undefined;
  }

  signIn(page: Page, signal?: AbortSignal): Promise<void> {
    if (this.refused) return Promise.reject(this.refused);
    this.inFlight ??= this.perform(page, signal).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async perform(page: Page, signal: AbortSignal | undefined): Promise<void> {
    const { site } = this.options;
    const { timeouts } = site;
    const has = async (key: string) => key in site.locators && (await locate(site, page, key).count()) > 0;
    this.logger.info("session expired; signing in with the configured credentials");
    await page.goto(siteUrl(site, "signIn"), { timeout: timeouts.navigationMs, waitUntil: "domcontentloaded" });
    const form = await waitForFirst(
      {
        challenge: () => has("challenge"),
        form: () => has("signInEmail"),
      },
      { timeoutMs: timeouts.elementMs, step: "sign-in", signal },
    ).catch((error: unknown) => {
      if (TimeoutError.isInstance(error)) {
        throw new SessionExpiredError(
          "The session has expired and the sign-in page has no email form for automatic sign-in; run `producer session init`.",
          { cause: error },
        );
      }
      throw error;
    });
    if (form === "challenge") throw new ChallengeError("A bot challenge appeared on the sign-in page.");
    const { email, password } = this.options.credentials;
    await locate(site, page, "signInEmail").first().fill(email, { timeout: timeouts.elementMs });
    await locate(site, page, "signInPassword").first().fill(password, { timeout: timeouts.elementMs });
    await locate(site, page, "signInSubmit").first().click({ timeout: timeouts.elementMs });
    const outcome = await waitForFirst(
      {
        challenge: () => has("challenge"),
        refused: () =>
          "signInError" in site.locators
            ? locate(site, page, "signInError")
                .first()
                .isVisible()
                .catch(() => false)
            : Promise.resolve(false),
        signedIn: async () =>
          new URL(page.url()).pathname !== site.paths.signIn &&
          ((await has("promptInput")) || (await has("composeToggle")) || (await has("chatInput"))),
      },
      { timeoutMs: timeouts.navigationMs, step: "sign-in", signal },
    );
    if (outcome === "challenge") throw new ChallengeError("A bot challenge appeared during sign-in.");
    if (outcome === "refused") {
      const text = (
        await locate(site, page, "signInError")
          .first()
          .textContent()
          .catch(() => null)
      )?.trim();
      this.refused = new LoginFailedError(
        `ProducerAI refused the configured credentials${text ? `: ${text}` : ""}. Fix PRODUCER_SESSION_EMAIL / PRODUCER_SESSION_PASSWORD; automatic sign-in is off until then.`,
      );
      throw this.refused;
    }
    this.count += 1;
    await this.options.pool.saveState();
    this.logger.info("signed in again; login state saved");
  }
}
