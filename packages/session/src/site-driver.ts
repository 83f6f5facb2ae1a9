import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Download, Locator, Page } from "playwright";
import type { ProducerConfig, SelectorName } from "@producer/config";
import {
  abortReason,
  ChallengeError,
  DownloadFailedError,
  GenerationFailedError,
  ProducerError,
  QuotaExhaustedError,
  sanitizeKeySegment,
  SessionExpiredError,
  silentLogger,
  SiteChangedError,
  TimeoutError,
  UnavailableError,
  type GeneratedSong,
  type GenerateOptions,
  type GenerationRequest,
  type Logger,
} from "@producer/utils";
import type { BrowserPool, PooledPage } from "./browser-pool.js";
import { saveFailureArtifacts } from "./failure-artifacts.js";
import { waitForFirst, type PageCondition } from "./page-watch.js";
import type { SignInCoordinator } from "./sign-in.js";
import { actionPause, type SubmissionPacer } from "./submission-pacer.js";

export type Site = ProducerConfig["site"];

export interface SiteDriverOptions {
  site: Site;
  pool: BrowserPool;
  pacer: SubmissionPacer;
  downloadsDir: string;
  artifactsDir: string;
  /** Present when credentials are configured: signs in again when the session has expired. */
  signIn?: SignInCoordinator;
  logger?: Logger;
}

type Blocker = "challenge" | "loginWall" | "quota";

const FORMAT_SELECTOR: Record<GenerationRequest["format"], SelectorName> = {
  wav: "formatWav",
  mp3: "formatMp3",
  m4a: "formatM4a",
};

/** What the driver sends: the prompt, with the optional title, lyrics and instrumental wish as plain sentences. */
export function composeMessage(request: GenerationRequest): string {
  const parts = [request.prompt.trim()];
  if (request.title) parts.push(`Title: ${request.title.trim()}`);
  if (request.instrumental) parts.push("Instrumental only, no vocals.");
  if (request.lyrics) parts.push(`Lyrics:\n${request.lyrics.trim()}`);
  return parts.join("\n");
}

/** Races a Playwright promise with the signal; the abandoned promise's rejection is swallowed. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  promise.catch(() => undefined);
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

const isPlaywrightTimeout = (error: unknown) =>
  error instanceof Error && error.name === "TimeoutError" && !ProducerError.isInstance(error);

/**
 * Drives one generation on the site through the selectors profile only: open the composer, submit, wait for
 * the reply and every song, download each. Blockers (login wall, challenge, quota banner) end a wait at once
 * with their own error; on any failure a screenshot and the page HTML are saved and their paths put on the error.
 */
export class SiteDriver {
  private readonly site: Site;
  private readonly logger: Logger;

  constructor(private readonly options: SiteDriverOptions) {
    this.site = options.site;
    this.logger = options.logger ?? silentLogger;
  }

  private selector(name: SelectorName): string {
    return this.site.selectors[name];
  }

  private url(pathName: string): string {
    return `${this.site.baseUrl}${pathName}`;
  }

  async generate(request: GenerationRequest, options: GenerateOptions = {}): Promise<GeneratedSong[]> {
    const { signal } = options;
    const pooled = await this.options.pool.acquire(signal);
    const progress = { step: "open" };
    let broken = false;
    try {
      const songs = await this.run(pooled.page, request, options, progress);
      await this.options.pool.saveState().catch(() => undefined);
      return songs;
    } catch (error) {
      broken = true;
      throw await this.explain(error, pooled, progress.step, signal);
    } finally {
      await this.options.pool.release(pooled, { broken });
    }
  }

  /** Opens the composer and reports what the page shows; signs in again when it can. */
  async openComposer(page: Page, signal?: AbortSignal, options: { signIn?: boolean } = {}): Promise<void> {
    const { timeouts } = this.site;
    const response = await this.navigate(page, this.url(this.site.paths.create), signal);
    const status = response?.status() ?? 200;
    if (status >= 500 && !(await this.exists(page, "challenge"))) {
      throw new UnavailableError(`ProducerAI answered HTTP ${status} for ${this.site.paths.create}.`, {
        details: { httpStatus: status },
      });
    }
    const screen = await this.waitOrSiteChanged(
      {
        challenge: () => this.exists(page, "challenge"),
        loginWall: () => this.onLoginWall(page),
        composer: () => this.exists(page, "promptInput"),
      },
      { timeoutMs: timeouts.elementMs, step: "open", signal },
      "promptInput",
    );
    if (screen === "composer") return;
    if (screen === "challenge") throw this.blockedError("challenge");
    const signIn = this.options.signIn;
    if (!signIn || options.signIn === false) throw this.blockedError("loginWall");
    await signIn.signIn(page, signal);
    await this.openComposer(page, signal, { signIn: false });
  }

  /** `goto`, tried once more when the navigation was aborted (a late download or redirect on a reused page). */
  private async navigate(page: Page, url: string, signal: AbortSignal | undefined) {
    const options = { timeout: this.site.timeouts.navigationMs, waitUntil: "domcontentloaded" as const };
    try {
      return await abortable(page.goto(url, options), signal);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes("net::ERR_ABORTED")) throw error;
      this.logger.debug({ url }, "navigation aborted; trying once more");
      return await abortable(page.goto(url, options), signal);
    }
  }

  private async run(
    page: Page,
    request: GenerationRequest,
    options: GenerateOptions,
    progress: { step: string },
  ): Promise<GeneratedSong[]> {
    const { signal, onProgress } = options;
    const { timeouts, pacing } = this.site;
    const pause = () => actionPause({ minMs: pacing.actionDelayMinMs, maxMs: pacing.actionDelayMaxMs }, signal);

    progress.step = "open";
    await this.openComposer(page, signal);

    progress.step = "submit";
    await this.options.pacer.waitTurn(signal);
    const replies = page.locator(this.selector("reply"));
    const before = await replies.count();
    const input = page.locator(this.selector("promptInput")).first();
    await abortable(input.fill(composeMessage(request), { timeout: timeouts.elementMs }), signal);
    await pause();
    await abortable(input.press("Enter", { timeout: timeouts.elementMs }), signal);
    onProgress?.({ stage: "submitted" });

    progress.step = "reply";
    const reply = replies.nth(before);
    await this.waitUnblocked(page, { reply: async () => (await reply.count()) > 0 }, timeouts.replyMs, "reply", signal);
    onProgress?.({ stage: "replying" });

    progress.step = "generation";
    const cards = reply.locator(this.selector("songCard"));
    const pending = reply.locator(this.selector("songCardPending"));
    const deadline = Date.now() + timeouts.generationMs;
    await this.waitUnblocked(page, { cards: async () => (await cards.count()) > 0 }, timeouts.generationMs, "generation", signal);
    onProgress?.({ stage: "generating" });
    await this.waitUnblocked(
      page,
      { ready: async () => (await pending.count()) === 0 },
      Math.max(0, deadline - Date.now()),
      "generation",
      signal,
    );

    progress.step = "download";
    const directory = options.downloadDir ?? path.join(this.options.downloadsDir, randomUUID());
    fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
    const total = await cards.count();
    const failedCard = page.locator(this.selector("songCardFailed"));
    const songs: GeneratedSong[] = [];
    for (let index = 0; index < total; index += 1) {
      const card = cards.nth(index);
      if ((await card.and(failedCard).count()) > 0) {
        this.logger.warn({ songNumber: index + 1, songCount: total }, "song came back without audio");
        onProgress?.({ stage: "downloading", songNumber: index + 1, songCount: total, message: "no audio" });
        continue;
      }
      onProgress?.({ stage: "downloading", songNumber: index + 1, songCount: total });
      const title = await this.cardTitle(card, index);
      const clipId = await this.cardClipId(card);
      const filePath = await this.downloadSong(page, card, request.format, directory, index, title, signal);
      songs.push({ index, title, filePath, format: request.format, ...(clipId ? { clipId } : {}) });
      await pause();
    }
    if (songs.length === 0) {
      throw new GenerationFailedError(`All ${total} songs of the generation came back without audio.`, {
        details: { step: "download", songCount: total },
      });
    }
    onProgress?.({ stage: "done", songCount: songs.length });
    return songs;
  }

  private async cardTitle(card: Locator, index: number): Promise<string> {
    const text = await card
      .locator(this.selector("songTitle"))
      .first()
      .textContent({ timeout: this.site.timeouts.elementMs })
      .catch(() => null);
    return text?.replace(/\s+/g, " ").trim() || `Song ${index + 1}`;
  }

  private async cardClipId(card: Locator): Promise<string | undefined> {
    const link = card.locator(this.selector("songLink")).first();
    if ((await link.count()) === 0) return undefined;
    const href = await link.getAttribute("href");
    return href?.split(/[?#]/)[0]?.split("/").filter(Boolean).pop();
  }

  private async downloadSong(
    page: Page,
    card: Locator,
    format: GenerationRequest["format"],
    directory: string,
    index: number,
    title: string,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    await this.click(page, card.locator(this.selector("moreOptionsButton")).first(), "moreOptionsButton", signal);
    await this.click(page, page.locator(this.selector("menuDownload")).first(), "menuDownload", signal);
    const downloadEvent = page.waitForEvent("download", { timeout: this.site.timeouts.downloadMs });
    downloadEvent.catch(() => undefined);
    await this.click(page, page.locator(this.selector(FORMAT_SELECTOR[format])).first(), FORMAT_SELECTOR[format], signal);
    let download: Download;
    try {
      download = await abortable(downloadEvent, signal);
    } catch (error) {
      if (!isPlaywrightTimeout(error)) throw error;
      throw new TimeoutError(
        `No download started within ${this.site.timeouts.downloadMs} ms of picking ${format.toUpperCase()} for song ${index + 1}.`,
        { cause: error, details: { step: "download", songNumber: index + 1 } },
      );
    }
    let safeTitle: string;
    try {
      safeTitle = sanitizeKeySegment(title);
    } catch {
      safeTitle = "song";
    }
    const target = path.join(directory, `${String(index + 1).padStart(2, "0")}-${safeTitle}.${format}`);
    await abortable(download.saveAs(target), signal);
    const failure = await download.failure();
    if (failure) {
      throw new DownloadFailedError(`The download of song ${index + 1} failed: ${failure}`, {
        details: { step: "download", songNumber: index + 1 },
      });
    }
    return target;
  }

  /** Clicks, first closing a dialog that covers the page; a missing element means the site changed. */
  private async click(page: Page, target: Locator, name: SelectorName, signal: AbortSignal | undefined): Promise<void> {
    const timeout = this.site.timeouts.elementMs;
    // Chromium stops painting tabs in the background, and a click waits for the target to be painted stable.
    await page.bringToFront();
    await this.dismissOverlay(page);
    try {
      await abortable(target.click({ timeout }), signal);
    } catch (error) {
      if (!isPlaywrightTimeout(error)) throw error;
      if (await this.dismissOverlay(page)) {
        await abortable(target.click({ timeout }), signal);
        return;
      }
      const blocker = await this.currentBlocker(page);
      if (blocker) throw this.blockedError(blocker);
      throw new SiteChangedError(
        `Could not click ${name} (site.selectors.${name} = ${JSON.stringify(this.selector(name))}) within ${timeout} ms; the page may have changed.`,
        { cause: error, details: { selector: name } },
      );
    }
  }

  private async dismissOverlay(page: Page): Promise<boolean> {
    const close = page.locator(this.selector("overlayDismiss")).first();
    if (!(await close.isVisible().catch(() => false))) return false;
    this.logger.debug("closing a dialog that covers the page");
    await close.click({ timeout: this.site.timeouts.elementMs }).catch(() => undefined);
    return true;
  }

  private exists(page: Page, name: SelectorName): Promise<boolean> {
    return page
      .locator(this.selector(name))
      .count()
      .then((count) => count > 0)
      .catch(() => false);
  }

  private async onLoginWall(page: Page): Promise<boolean> {
    const here = new URL(page.url(), this.site.baseUrl);
    return here.pathname === this.site.paths.signIn || (await this.exists(page, "loginWall"));
  }

  private blockers(page: Page): Record<Blocker, PageCondition> {
    return {
      challenge: () => this.exists(page, "challenge"),
      loginWall: () => this.onLoginWall(page),
      quota: () =>
        page
          .locator(this.selector("quotaBanner"))
          .first()
          .isVisible()
          .catch(() => false),
    };
  }

  private async currentBlocker(page: Page): Promise<Blocker | undefined> {
    for (const [name, condition] of Object.entries(this.blockers(page)) as Array<[Blocker, PageCondition]>) {
      if (await condition()) return name;
    }
    return undefined;
  }

  /** Waits for `goal` while watching for blockers; a blocker ends the wait with its own error. */
  private async waitUnblocked(
    page: Page,
    goal: Record<string, PageCondition>,
    timeoutMs: number,
    step: string,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const outcome = await waitForFirst({ ...this.blockers(page), ...goal }, { timeoutMs, step, signal });
    if (outcome === "challenge" || outcome === "loginWall" || outcome === "quota") throw this.blockedError(outcome);
  }

  private async waitOrSiteChanged<Name extends string>(
    conditions: Record<Name, PageCondition>,
    options: { timeoutMs: number; step: string; signal?: AbortSignal },
    expected: SelectorName,
  ): Promise<Name> {
    try {
      return await waitForFirst(conditions, options);
    } catch (error) {
      if (!TimeoutError.isInstance(error)) throw error;
      throw new SiteChangedError(
        `The page shows none of: ${expected} (site.selectors.${expected} = ${JSON.stringify(this.selector(expected))}), a login wall or a challenge, after ${options.timeoutMs} ms.`,
        { cause: error, details: { step: options.step, selector: expected } },
      );
    }
  }

  private blockedError(blocker: Blocker): ProducerError {
    switch (blocker) {
      case "challenge":
        return new ChallengeError(
          "ProducerAI shows a bot challenge (captcha). Solve it in a headed browser (`producer session init`) and try again.",
        );
      case "quota":
        return new QuotaExhaustedError("ProducerAI says the account's credits are used up.");
      case "loginWall":
        return new SessionExpiredError(
          "The ProducerAI session has expired: the site shows its sign-in page. Run `producer session init` or `producer session import`.",
        );
    }
  }

  /** Turns whatever a step threw into the producer error it stands for, with a snapshot of the page. */
  private async explain(
    error: unknown,
    pooled: PooledPage,
    step: string,
    signal: AbortSignal | undefined,
  ): Promise<ProducerError> {
    if (signal?.aborted) return abortReason(signal) as ProducerError;
    let failure: unknown = this.options.pool.crashError(error);
    if (!ProducerError.isInstance(failure)) {
      const message = failure instanceof Error ? failure.message.split("\n")[0] : String(failure);
      failure = isPlaywrightTimeout(failure)
        ? new TimeoutError(`Step "${step}" timed out: ${message}`, { cause: error, details: { step } })
        : /net::ERR_|ECONNREFUSED|ENOTFOUND/.test(message ?? "")
          ? new UnavailableError(`ProducerAI cannot be reached: ${message}`, { cause: error, details: { step } })
          : new GenerationFailedError(`Generation failed at step "${step}": ${message}`, {
              cause: error,
              details: { step },
            });
    }
    const producerError = failure as ProducerError;
    producerError.details.step ??= step;
    if (producerError.code === "CANCELLED") return producerError;
    const crashed = producerError.code === "BROWSER_CRASHED";
    producerError.details.artifacts = await saveFailureArtifacts(
      crashed ? undefined : pooled.page,
      this.options.artifactsDir,
      `${step}-${producerError.code.toLowerCase()}`,
      crashed ? undefined : (file) => this.options.pool.saveTrace(file),
    );
    this.logger.warn({ code: producerError.code, step, artifacts: producerError.details.artifacts }, producerError.message);
    return producerError;
  }
}
