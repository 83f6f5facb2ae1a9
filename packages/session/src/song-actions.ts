import fs from "node:fs";
import path from "node:path";
import type { Download, Locator, Page } from "playwright";
import type { AudioFormat, MenuPlace } from "@producer/config";
import { checkAudioSignature, DownloadFailedError, silentLogger, type Logger } from "@producer/utils";
import type { PageGuard } from "./blockers.js";
import { locate, newestMenu, toLocator } from "./locators.js";
import { abortable, bringToFront, isPlaywrightTimeout } from "./playwright-helpers.js";
import type { Site } from "./site.js";

const FORMAT_LOCATOR: Record<AudioFormat, string> = { wav: "formatWav", mp3: "formatMp3", m4a: "formatM4a" };

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
    await this.guard.dismissOverlays();
    try {
      await abortable(target.fill(value, { timeout: this.site.timeouts.elementMs }), this.signal);
    } catch (error) {
      if (!isPlaywrightTimeout(error)) throw error;
      if (await this.guard.dismissOverlays()) {
        await abortable(target.fill(value, { timeout: this.site.timeouts.elementMs }), this.signal);
        return;
      }
      const blocker = await this.guard.current();
      if (blocker) throw this.guard.blockedError(blocker);
      throw this.guard.siteChanged(key, "could not be filled", { ...context, cause: error });
    }
  }

  /**
   * Opens the menu of one song's `trigger` and returns where its items are. Menus left open by an earlier song
   * are closed first (Escape); the menu is looked for the profile's ways in order (`menus.find`): the element
   * the trigger names in `aria-controls`, a menu or bare menu items inside the song's own row or card, the
   * newest open popup menu (menus are portaled to the end of the page).
   */
  async openMenu(
    trigger: Locator,
    key: string,
    scope: Locator,
    context: { step: string; songNumber: number },
  ): Promise<Locator> {
    await this.page.keyboard.press("Escape").catch(() => undefined);
    await this.click(trigger, key, context);
    const places = this.site.menus.find;
    const deadline = Date.now() + this.site.timeouts.elementMs;
    for (;;) {
      for (const place of places) {
        const menu = await this.menuAt(place, trigger, scope);
        if (menu) return menu;
      }
      if (Date.now() >= deadline) break;
      await this.page.waitForTimeout(100);
    }
    throw this.guard.siteChanged(
      key,
      `opened no menu where the profile looks for one (menus.find: ${places.join(", ")})`,
      context,
    );
  }

  private async menuAt(place: MenuPlace, trigger: Locator, scope: Locator): Promise<Locator | undefined> {
    if (place === "aria-controls") {
      const controls = await trigger.getAttribute("aria-controls", { timeout: 500 }).catch(() => null);
      if (!controls) return undefined;
      const menu = this.page.locator(`[id="${controls.replace(/["\\]/g, "\\$&")}"]`);
      return (await menu.count().catch(() => 0)) > 0 ? menu : undefined;
    }
    if (place === "in-row") {
      const inCard = toLocator(scope, this.site.menus.menu);
      if ((await inCard.count().catch(() => 0)) > 0) return inCard.last();
      const items = toLocator(scope, this.site.menus.item);
      return (await items.count().catch(() => 0)) > 0 ? scope : undefined;
    }
    const popup = newestMenu(this.site, this.page);
    return (await popup.count().catch(() => 0)) > 0 ? popup : undefined;
  }

  /** The item `key` of `menu`, of the song's row, or of the newest submenu opened from it; SITE_CHANGED when it never appears. */
  async menuItem(
    menu: Locator,
    key: string,
    context: { step: string; songNumber: number },
    vars: Record<string, string> = {},
    scope?: Locator,
  ): Promise<Locator> {
    const inMenu = locate(this.site, menu, key, vars);
    const inRow = scope ? locate(this.site, scope, key, vars) : undefined;
    const portaled = locate(this.site, newestMenu(this.site, this.page), key, vars);
    const where = await this.guard.waitForElement(
      {
        inMenu: async () => (await inMenu.count()) > 0,
        inRow: async () => (inRow ? (await inRow.count()) > 0 : false),
        portaled: async () => (await portaled.count()) > 0,
      },
      {
        timeoutMs: this.site.timeouts.elementMs,
        step: context.step,
        signal: this.signal,
        locator: key,
        songNumber: context.songNumber,
      },
    );
    return (where === "inMenu" ? inMenu : where === "inRow" ? (inRow as Locator) : portaled).first();
  }

  /** Picks a menu item: a submenu item the profile's way (Radix menus need focus and Enter), others by pointer. */
  async pick(
    item: Locator,
    key: string,
    context: { step: string; songNumber: number },
    options: { submenu: boolean; opensSubmenu?: boolean },
  ): Promise<void> {
    if (!(options.submenu || options.opensSubmenu) || this.site.menus.submenuPick === "pointer") {
      await this.click(item, key, context);
      return;
    }
    try {
      await abortable(item.focus({ timeout: this.site.timeouts.elementMs }), this.signal);
      await abortable(
        item.press(options.opensSubmenu ? "ArrowRight" : "Enter", { timeout: this.site.timeouts.elementMs }),
        this.signal,
      );
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
    scope?: Locator,
    identity?: { clipId: string; otherClipIds: string[] },
  ): Promise<string | undefined> {
    // A late download of another song (its menu gave the file after we had moved on) is never taken for this one.
    const ours = (candidate: Download) => {
      const url = candidate.url();
      if (!identity || url.includes(identity.clipId) || !identity.otherClipIds.some((id) => url.includes(id)))
        return true;
      this.logger.warn({ songNumber: context.songNumber }, "ignoring a late download of another song");
      void candidate.cancel().catch(() => undefined);
      void candidate.delete().catch(() => undefined);
      return false;
    };
    const download = this.page.waitForEvent("download", { timeout: this.site.timeouts.downloadMs, predicate: ours });
    download.catch(() => undefined);
    const downloadItem = await this.menuItem(menu, "menuDownload", context, {}, scope);
    await this.pick(downloadItem, "menuDownload", context, { submenu: false, opensSubmenu: true });
    const formatKey = FORMAT_LOCATOR[format];
    const formatItem = await this.menuItem(menu, formatKey, context, {}, scope);
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
}
