import type { Page } from "playwright";
import {
  ChallengeError,
  QuotaExhaustedError,
  SessionExpiredError,
  silentLogger,
  SiteChangedError,
  TimeoutError,
  type Logger,
  type ProducerError,
} from "@producer/utils";
import { describeLocator, locate } from "./locators.js";
import { unlessClosed, waitForFirst, type PageCondition } from "./page-watch.js";
import type { Site } from "./site.js";

/** At most this many covers are closed in one go (a promo over a consent notice, …). */
const MAX_COVERS = 3;

type Blocker = "challenge" | "loginWall" | "outOfCredits";

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
    // A dialog that comes up while we wait (on load, or "at any moment") is closed, never waited out.
    const covers = { covered: async () => (await this.dismissOverlays()) && false };
    const conditions = { ...this.conditions(), ...covers, ...goal } as Record<Name | Blocker, PageCondition>;
    const outcome: string = await waitForFirst(conditions, options);
    if (outcome === "challenge" || outcome === "loginWall" || outcome === "outOfCredits")
      throw this.blockedError(outcome);
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

  /**
   * Closes what covers the page: the upload-consent notice (agreed to), and dialogs (a promo, onboarding) by
   * one of their dismissing buttons, or Escape when none is named. Such a dialog hides the rest of the page
   * from the accessibility tree, so role locators find nothing until it is gone. True when one was closed.
   */
  async dismissOverlays(): Promise<boolean> {
    const consent = this.has("consentAgree") ? locate(this.site, this.page, "consentAgree") : undefined;
    // With an `overlay` locator, dismissing buttons count only inside a dialog; without one, anywhere.
    const overlay = this.has("overlay") ? locate(this.site, this.page, "overlay") : undefined;
    const close = this.has("dialogClose") ? locate(this.site, overlay ?? this.page, "dialogClose") : undefined;
    const watched = [consent, overlay ?? close].filter((one): one is NonNullable<typeof one> => one !== undefined);
    if (watched.length === 0) return false;
    const any = watched.reduce((all, one) => all.or(one)).filter({ visible: true });
    let closed = 0;
    while (closed < MAX_COVERS && (await any.count().catch(unlessClosed(this.page, 0))) > 0) {
      const timeout = Math.min(this.site.timeouts.elementMs, 1500);
      // A modal dialog sits on top of a notice: it goes first, or the notice's button cannot be clicked.
      const dialog = overlay ? (await overlay.count().catch(() => 0)) > 0 : false;
      const closeVisible = close ? close.filter({ visible: true }) : undefined;
      if (closeVisible && (dialog || !overlay) && (await closeVisible.count().catch(() => 0)) > 0) {
        this.logger.debug({ locator: "dialogClose" }, "closing a dialog that covers the page");
        await closeVisible
          .first()
          .click({ timeout })
          .catch(() => this.page.keyboard.press("Escape").catch(() => undefined));
      } else if (dialog) {
        this.logger.debug({ locator: "overlay" }, "closing a dialog that covers the page with Escape");
        await this.page.keyboard.press("Escape").catch(() => undefined);
      } else if (
        consent &&
        (await consent
          .first()
          .isVisible()
          .catch(() => false))
      ) {
        this.logger.debug({ locator: "consentAgree" }, "agreeing to the consent notice that covers the page");
        await consent
          .first()
          .click({ timeout })
          .catch(() => undefined);
      }
      closed += 1;
      // Let the page take the dialog away before looking again.
      await this.page.waitForTimeout(50).catch(() => undefined);
    }
    return closed > 0;
  }

  /**
   * What the page offers instead of a locator that matches nothing: elements of the same role with their names,
   * and elements whose text holds the expected name — each as a locator to paste into the profile. Empty when
   * the locator is not a role or text locator, or the page is gone.
   */
  async candidates(key: string, limit = 12): Promise<Array<{ name: string; locator: Record<string, unknown> }>> {
    const spec = this.site.locators[key];
    const specs = spec && typeof spec === "object" && "any" in spec ? spec.any : spec ? [spec] : [];
    const found = new Map<string, { name: string; locator: Record<string, unknown> }>();
    for (const one of specs) {
      if (typeof one !== "object") continue;
      const role = "role" in one ? one.role : undefined;
      const wanted = ("role" in one ? one.name : "text" in one ? one.text : undefined)?.replace(/\{\w+\}/g, "").trim();
      if (role) {
        const names = await this.page
          .getByRole(role as Parameters<Page["getByRole"]>[0])
          .evaluateAll((elements) =>
            elements
              .slice(0, 50)
              .map((element) =>
                (element.getAttribute("aria-label") || element.textContent || element.getAttribute("title") || "")
                  .replace(/\s+/g, " ")
                  .trim(),
              ),
          )
          .catch(() => [] as string[]);
        for (const name of names)
          if (name) found.set(`${role}|${name}`, { name, locator: { role, name, exact: true } });
      }
      if (wanted) {
        const word = wanted.split(/\s+/).sort((a, b) => b.length - a.length)[0] ?? wanted;
        const texts = await this.page
          .getByText(word)
          .evaluateAll((elements) =>
            elements.slice(0, 20).map((element) => (element.textContent || "").replace(/\s+/g, " ").trim()),
          )
          .catch(() => [] as string[]);
        for (const text of texts)
          if (text && text.length <= 80) found.set(`text|${text}`, { name: text, locator: { text, exact: true } });
      }
    }
    const name = (() => {
      const first = specs[0];
      return first && typeof first === "object" && "name" in first ? (first.name ?? "") : "";
    })().toLowerCase();
    // The nearest first: names sharing the most words with the one expected.
    const words = new Set(name.split(/\W+/).filter(Boolean));
    const score = (candidate: string) =>
      candidate
        .toLowerCase()
        .split(/\W+/)
        .filter((word) => words.has(word)).length;
    return [...found.values()].sort((a, b) => score(b.name) - score(a.name)).slice(0, limit);
  }

  private has(key: string): boolean {
    return key in this.site.locators;
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
