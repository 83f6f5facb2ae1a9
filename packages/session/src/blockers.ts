import type { Page } from "playwright";
import {
  ChallengeError,
  ProducerError,
  QuotaExhaustedError,
  SessionExpiredError,
  silentLogger,
  SiteChangedError,
  TimeoutError,
  type Logger,
} from "@producer/utils";
import { describeLocator, locate } from "./locators.js";
import { unlessClosed, waitForFirst, type PageCondition } from "./page-watch.js";
import type { Site } from "./site.js";

/** What may cover the page, closed before a click. */
const OVERLAY_KEYS = ["consentAgree", "dialogClose"];

export type Blocker = "challenge" | "loginWall" | "outOfCredits";

/**
 * What stands between the driver and the page: a bot challenge, the login wall, the out-of-credits notice (each
 * ends a wait at once with its own error), and dialogs that cover the page (consent notice, promos), which are
 * closed.
 */
export class PageGuard {
  private readonly logger: Logger;

  constructor(
    private readonly site: Site,
    private readonly page: Page,
    logger?: Logger,
  ) {
    this.logger = logger ?? silentLogger;
  }

  /** Whether the profile's locator `key` matches anything on the page (false when the profile lacks it). */
  async exists(key: string, options: { visible?: boolean } = {}): Promise<boolean> {
    if (!(key in this.site.locators)) return false;
    const target = locate(this.site, this.page, key);
    if (options.visible) return target.first().isVisible().catch(unlessClosed(this.page, false));
    return target.count().then((count) => count > 0, unlessClosed(this.page, false));
  }

  async onLoginWall(): Promise<boolean> {
    const here = new URL(this.page.url(), this.site.baseUrl);
    return here.pathname === this.site.paths.signIn || (await this.exists("loginWall", { visible: true }));
  }

  conditions(): Record<Blocker, PageCondition> {
    return {
      challenge: () => this.exists("challenge"),
      loginWall: () => this.onLoginWall(),
      outOfCredits: () => this.exists("outOfCredits", { visible: true }),
    };
  }

  async current(): Promise<Blocker | undefined> {
    for (const [name, condition] of Object.entries(this.conditions()) as Array<[Blocker, PageCondition]>) {
      if (await condition()) return name;
    }
    return undefined;
  }

  /** Waits for one of `goal` while watching for blockers; a blocker ends the wait with its own error. */
  async waitUnblocked<Name extends string>(
    goal: Record<Name, PageCondition>,
    options: { timeoutMs: number; step: string; signal?: AbortSignal },
  ): Promise<Name> {
    const conditions = { ...this.conditions(), ...goal } as Record<Name | Blocker, PageCondition>;
    const outcome: string = await waitForFirst(conditions, options);
    if (outcome === "challenge" || outcome === "loginWall" || outcome === "outOfCredits") throw this.blockedError(outcome);
    return outcome as Name;
  }

  /**
   * As `waitUnblocked`, but an element that never appears means the page is not what the profile describes:
   * `SITE_CHANGED` naming the locator and its value (never a retryable timeout).
   */
  async waitForElement<Name extends string>(
    goal: Record<Name, PageCondition>,
    options: { timeoutMs: number; step: string; signal?: AbortSignal; locator: string; songNumber?: number },
  ): Promise<Name> {
    try {
      return await this.waitUnblocked(goal, options);
    } catch (error) {
      if (!TimeoutError.isInstance(error)) throw error;
      throw this.siteChanged(options.locator, `did not appear within ${options.timeoutMs} ms`, {
        step: options.step,
        ...(options.songNumber ? { songNumber: options.songNumber } : {}),
        cause: error,
      });
    }
  }

  siteChanged(
    key: string,
    what: string,
    context: { step: string; songNumber?: number; cause?: unknown },
  ): SiteChangedError {
    const value = describeLocator(this.site.locators[key]);
    const song = context.songNumber ? ` (song ${context.songNumber})` : "";
    return new SiteChangedError(
      `The page no longer matches the ${this.site.profile} profile: site.locators.${key} = ${value} ${what}${song}. Update the profile or override that locator.`,
      {
        cause: context.cause,
        details: {
          step: context.step,
          locator: key,
          locatorValue: this.site.locators[key] ?? null,
          profile: this.site.profile,
          ...(context.songNumber ? { songNumber: context.songNumber } : {}),
        },
      },
    );
  }

  /** Closes a consent notice or a dialog covering the page; true when one was closed. */
  async dismissOverlays(): Promise<boolean> {
    const keys = OVERLAY_KEYS.filter((key) => key in this.site.locators);
    if (keys.length === 0) return false;
    // One look for any of them first: nearly always nothing covers the page.
    const any = keys.map((key) => locate(this.site, this.page, key)).reduce((all, one) => all.or(one));
    if ((await any.filter({ visible: true }).count().catch(unlessClosed(this.page, 0))) === 0) return false;
    let closed = false;
    for (const key of keys) {
      if (!(await this.exists(key, { visible: true }))) continue;
      this.logger.debug({ locator: key }, "closing what covers the page");
      await locate(this.site, this.page, key)
        .first()
        .click({ timeout: this.site.timeouts.elementMs })
        .catch(() => undefined);
      closed = true;
    }
    return closed;
  }

  blockedError(blocker: Blocker): ProducerError {
    switch (blocker) {
      case "challenge":
        return new ChallengeError(
          "ProducerAI shows a bot challenge (captcha). Solve it in a headed browser (`producer session init`) and try again.",
        );
      case "outOfCredits":
        return new QuotaExhaustedError("ProducerAI says the account is out of credits.");
      case "loginWall":
        return new SessionExpiredError(
          "The ProducerAI session has expired: the site shows its sign-in page. Run `producer session init` or `producer session import`.",
        );
    }
  }
}
