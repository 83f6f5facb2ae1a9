import fs from "node:fs";
import path from "node:path";
import type { Download, Locator, Page } from "playwright";
import type { AudioFormat } from "@producer/config";
import {
  abortReason,
  checkAudioSignature,
  DownloadFailedError,
  ProducerError,
  sanitizeKeySegment,
  silentLogger,
  type Logger,
} from "@producer/utils";
import type { PageGuard } from "./blockers.js";
import { locate } from "./locators.js";
import type { Site } from "./site.js";

const FORMAT_LOCATOR: Record<AudioFormat, string> = { wav: "formatWav", mp3: "formatMp3", m4a: "formatM4a" };

/** Races a Playwright promise with the signal; the abandoned promise's rejection is swallowed. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
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

/** The page last brought to the front in each browser. */
const FRONT = new WeakMap<object, Page>();

/** Brings `page` to the front unless it already is (the last one brought there in its context). */
export async function bringToFront(page: Page): Promise<void> {
  const owner = page.context().browser() ?? page.context();
  if (FRONT.get(owner) === page && !page.isClosed()) return;
  await page.bringToFront();
  FRONT.set(owner, page);
}

export const isPlaywrightTimeout = (error: unknown) =>
  error instanceof Error && error.name === "TimeoutError" && !ProducerError.isInstance(error);

/** The file name a song is saved under in the job's folder: `01-Title.wav`. */
export function songFileName(index: number, title: string, format: AudioFormat, suffix = ""): string {
  let safe: string;
  try {
    safe = sanitizeKeySegment(`${title}${suffix}`).slice(0, 80);
  } catch {
    safe = "song";
  }
  return `${String(index + 1).padStart(2, "0")}-${safe}.${format}`;
}

/**
 * Per-song actions, each scoped to one song: clicks that first close what covers the page, the menu that *this*
 * song's button opened (never the first menu on the page), submenu items picked the profile's way (pointer, or
 * keyboard focus and Enter), and downloads saved into the job's folder, Playwright's copy deleted at once, and
 * checked to be the asked format by their first bytes.
 */
export class SongActions {
  private readonly logger: Logger;

  constructor(
    private readonly site: Site,
    private readonly page: Page,
    private readonly guard: PageGuard,
    private readonly signal: AbortSignal | undefined,
    logger?: Logger,
  ) {
    this.logger = logger ?? silentLogger;
  }

  /** Clicks `target`, the element of the profile's `key`; what never becomes clickable is SITE_CHANGED naming it. */
  async click(target: Locator, key: string, context: { step: string; songNumber?: number }): Promise<void> {
    const timeout = this.site.timeouts.elementMs;
    // Chromium stops painting background tabs, and a click waits for its target to be painted stable.
    await bringToFront(this.page);
    await this.guard.dismissOverlays();
    try {
      await abortable(target.click({ timeout }), this.signal);
    } catch (error) {
      if (!isPlaywrightTimeout(error)) throw error;
      if (await this.guard.dismissOverlays()) {
        await abortable(target.click({ timeout }), this.signal);
        return;
      }
      const blocker = await this.guard.current();
      if (blocker) throw this.guard.blockedError(blocker);
      throw this.guard.siteChanged(key, `could not be clicked within ${timeout} ms`, { ...context, cause: error });
    }
  }

  /** Fills a text control with exactly `value` (clearing what the page kept from last time). */
  async fill(target: Locator, key: string, value: string, context: { step: string }): Promise<void> {
    try {
      await abortable(target.fill(value, { timeout: this.site.timeouts.elementMs }), this.signal);
    } catch (error) {
      if (!isPlaywrightTimeout(error)) throw error;
      const blocker = await this.guard.current();
      if (blocker) throw this.guard.blockedError(blocker);
      throw this.guard.siteChanged(key, "could not be filled", { ...context, cause: error });
    }
  }

  /**
   * Opens the menu of one song's `trigger` and returns that menu. Menus left open by an earlier song are closed
   * first (Escape); the menu is the one the trigger controls (`aria-controls`), one inside the song's own card,
   * or else the newest open menu (menus are portaled to the end of the page).
   */
  async openMenu(trigger: Locator, key: string, scope: Locator, context: { step: string; songNumber: number }): Promise<Locator> {
    await this.page.keyboard.press("Escape").catch(() => undefined);
    await this.click(trigger, key, context);
    const controls = await trigger.getAttribute("aria-controls").catch(() => null);
    if (controls) return this.page.locator(`[id="${controls.replace(/"/g, '\\"')}"]`);
    const inCard = scope.locator('[role="menu"]');
    if ((await inCard.count()) > 0) return inCard.last();
    return this.page.locator('[role="menu"]:visible').last();
  }

  /** The item `key` of `menu`, or of the newest submenu opened from it; SITE_CHANGED when it never appears. */
  async menuItem(menu: Locator, key: string, context: { step: string; songNumber: number }, vars: Record<string, string> = {}): Promise<Locator> {
    const inMenu = locate(this.site, menu, key, vars);
    const portaled = locate(this.site, this.page.locator('[role="menu"]:visible').last(), key, vars);
    const where = await this.guard.waitForElement(
      {
        inMenu: async () => (await inMenu.count()) > 0,
        portaled: async () => (await portaled.count()) > 0,
      },
      { timeoutMs: this.site.timeouts.elementMs, step: context.step, signal: this.signal, locator: key, songNumber: context.songNumber },
    );
    return (where === "inMenu" ? inMenu : portaled).first();
  }

  /** Picks a menu item: a submenu item the profile's way (Radix menus need focus and Enter), others by pointer. */
  async pick(item: Locator, key: string, context: { step: string; songNumber: number }, options: { submenu: boolean; opensSubmenu?: boolean }): Promise<void> {
    if (!(options.submenu || options.opensSubmenu) || this.site.menus.submenuPick === "pointer") {
      await this.click(item, key, context);
      return;
    }
    try {
      await abortable(item.focus({ timeout: this.site.timeouts.elementMs }), this.signal);
      await abortable(item.press(options.opensSubmenu ? "ArrowRight" : "Enter", { timeout: this.site.timeouts.elementMs }), this.signal);
    } catch (error) {
      if (!isPlaywrightTimeout(error)) throw error;
      throw this.guard.siteChanged(key, "could not be focused to pick it", { ...context, cause: error });
    }
  }

  /**
   * Downloads one song through its menu: `menu` → Download → the format. Returns the saved file, or undefined
   * when no download started within the profile's download time (the caller may fetch the song's URL instead).
   */
  async downloadFromMenu(
    menu: Locator,
    format: AudioFormat,
    target: string,
    context: { step: string; songNumber: number },
    identity?: { clipId: string; otherClipIds: string[] },
  ): Promise<string | undefined> {
    // A late download of another song (its menu gave the file after we had moved on) is never taken for this one.
    const ours = (candidate: Download) => {
      const url = candidate.url();
      if (!identity || url.includes(identity.clipId) || !identity.otherClipIds.some((id) => url.includes(id))) return true;
      this.logger.warn({ songNumber: context.songNumber }, "ignoring a late download of another song");
      void candidate.cancel().catch(() => undefined);
      void candidate.delete().catch(() => undefined);
      return false;
    };
    const download = this.page.waitForEvent("download", { timeout: this.site.timeouts.downloadMs, predicate: ours });
    download.catch(() => undefined);
    const downloadItem = await this.menuItem(menu, "menuDownload", context);
    await this.pick(downloadItem, "menuDownload", context, { submenu: false, opensSubmenu: true });
    const formatKey = FORMAT_LOCATOR[format];
    const formatItem = await this.menuItem(menu, formatKey, context);
    await this.pick(formatItem, formatKey, context, { submenu: true });
    let started: Download;
    try {
      started = await abortable(download, this.signal);
    } catch (error) {
      if (!isPlaywrightTimeout(error)) throw error;
      this.logger.warn({ songNumber: context.songNumber, format }, "the menu gave no file in time");
      return undefined;
    }
    return this.save(started, target, format, context.songNumber);
  }

  /** Saves a download into the job's folder, deletes Playwright's own copy at once, and checks the bytes. */
  async save(download: Download, target: string, format: AudioFormat, songNumber: number): Promise<string> {
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    try {
      await abortable(download.saveAs(target), this.signal);
      const failure = await download.failure();
      if (failure) {
        throw new DownloadFailedError(`The download of song ${songNumber} failed: ${failure}`, {
          details: { step: "download", songNumber },
        });
      }
    } finally {
      await download.delete().catch(() => undefined);
    }
    await fs.promises.chmod(target, 0o600);
    await checkAudioSignature(target, format, { step: "download", songNumber });
    return target;
  }

  /** Fetches a song's audio URL inside the page (the page's cookies and origin) and saves it; checks the bytes. */
  async fetchToFile(url: string, target: string, format: AudioFormat, songNumber: number): Promise<string> {
    const result = await abortable(
      this.page.evaluate(async (address) => {
        const response = await fetch(address, { credentials: "include" });
        if (!response.ok) return { status: response.status, base64: "" };
        const bytes = new Uint8Array(await response.arrayBuffer());
        let binary = "";
        for (let offset = 0; offset < bytes.length; offset += 0x8000) {
          binary += String.fromCharCode(...bytes.subarray(offset, offset + 0x8000));
        }
        return { status: response.status, base64: btoa(binary) };
      }, url),
      this.signal,
    );
    if (!result.base64) {
      throw new DownloadFailedError(`Fetching song ${songNumber}'s audio inside the page answered HTTP ${result.status}.`, {
        details: { step: "download", songNumber, httpStatus: result.status },
      });
    }
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    await fs.promises.writeFile(target, Buffer.from(result.base64, "base64"), { mode: 0o600 });
    await checkAudioSignature(target, format, { step: "download", songNumber });
    return target;
  }
}
