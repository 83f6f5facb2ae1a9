import type { Locator, Page } from "playwright";
import { FLOW_NEEDS } from "@producer/config";
import { silentLogger, type Logger } from "@producer/utils";
import { PageGuard } from "./blockers.js";
import { describeLocator, locate, newestMenu, siteUrl } from "./locators.js";
import type { Site } from "./site.js";
import { songRow } from "./library.js";
import type { ShapeDrift } from "./shape-drift.js";
import { SongActions } from "./song-actions.js";

/** One locator of the profile and whether the page has it where it lives; `null` when it could not be checked. */
export interface LocatorCheck {
  locator: string;
  value: string;
  found: boolean | null;
  where: string;
  note?: string;
  /** For a locator not found: what the page has nearest to it (same role, or the expected name in its text). */
  candidates?: Array<{ name: string; locator: Record<string, unknown> }>;
}

export interface SiteCheckReport {
  profile: string;
  baseUrl: string;
  credits: number | undefined;
  checks: LocatorCheck[];
  /** How the answers read during the check differ from the profile's shapes. */
  drift: ShapeDrift[];
  /** True when no locator was looked for and missed, and no answer lacked a field the driver needs. */
  ok: boolean;
}

/** The report with the drift seen while it was made: only a missing field the driver needs fails it. */
export function withDrift(report: SiteCheckReport, drift: ShapeDrift[]): SiteCheckReport {
  const needed = drift.some((entry) => entry.kind === "missing" && entry.needed);
  return { ...report, drift, ok: report.ok && !needed };
}

/** Only shown at times (a notice, a blocker): not a drift when absent. */
const SOMETIMES_SHOWN = [
  "consentAgree",
  "dialogClose",
  "overlay",
  "busy",
  "loginWall",
  "challenge",
  "outOfCredits",
  "signInEmail",
  "signInPassword",
  "signInSubmit",
  "signInError",
];

/**
 * Walks the pages where the profile's locators live and looks for each: the studio's controls (opening the
 * compose panel, the advanced fields, the model menu and the details as a person would, and putting them back),
 * then the library's first row and its menu down to the Download submenu. Picks nothing and submits nothing.
 */
export class SiteChecker {
  private readonly checks: LocatorCheck[] = [];
  private readonly guard: PageGuard;
  private readonly actions: SongActions;
  private readonly waitMs: number;

  constructor(
    private readonly site: Site,
    private readonly page: Page,
    logger: Logger = silentLogger,
  ) {
    this.guard = new PageGuard(site, page, logger);
    this.actions = new SongActions(site, page, this.guard, undefined, logger);
    this.waitMs = Math.min(site.timeouts.elementMs, 3000);
  }

  async run(credits: number | undefined): Promise<SiteCheckReport> {
    if (this.site.flow === "compose-2026") {
      await this.studio2026();
      await this.library2026();
    } else {
      await this.look("promptInput", this.page, "studio");
      // The rest of what the chat page needs shows only once a generation is under way.
      const afterAGeneration = FLOW_NEEDS["chat-2025"].locators.filter(
        (key) => key !== "promptInput" && !SOMETIMES_SHOWN.includes(key),
      );
      for (const key of afterAGeneration) {
        this.skip(key, "studio", "seen only after a generation");
      }
    }
    for (const key of SOMETIMES_SHOWN) if (key in this.site.locators) this.skip(key, "any page", "shown only at times");
    return {
      profile: this.site.profile,
      baseUrl: this.site.baseUrl,
      credits,
      checks: this.checks,
      drift: [],
      ok: this.checks.every((check) => check.found !== false),
    };
  }

  private async look(
    key: string,
    root: Page | Locator,
    where: string,
    vars: Record<string, string> = {},
  ): Promise<boolean> {
    const target = locate(this.site, root, key, vars);
    const deadline = Date.now() + this.waitMs;
    const present = async () => (await target.count().catch(() => 0)) > 0;
    let found = await present();
    while (!found && Date.now() < deadline) {
      // A dialog that covers the page hides everything else from role locators: close it, then look again.
      await this.guard.dismissOverlays();
      await this.page.waitForTimeout(100);
      found = await present();
    }
    const candidates = found ? [] : await this.guard.candidates(key).catch(() => []);
    this.checks.push({
      locator: key,
      value: describeLocator(this.site.locators[key]),
      found,
      where,
      ...(candidates.length > 0 ? { candidates } : {}),
    });
    return found;
  }

  private skip(key: string, where: string, note: string): void {
    if (this.checks.some((check) => check.locator === key)) return;
    this.checks.push({ locator: key, value: describeLocator(this.site.locators[key]), found: null, where, note });
  }

  private first(key: string, vars: Record<string, string> = {}): Locator {
    return locate(this.site, this.page, key, vars).first();
  }

  private async studio2026(): Promise<void> {
    const step = { step: "site check" };
    await this.guard.dismissOverlays();
    if (!(await this.look("composeToggle", this.page, "studio"))) return;
    if (!(await this.guard.exists("soundDescription", { visible: true })))
      await this.actions.click(this.first("composeToggle"), "composeToggle", step);
    for (const key of ["soundDescription", "lyricsInput", "instrumentalSwitch"])
      await this.look(key, this.page, "studio: compose panel");
    if (await this.look("advancedSwitch", this.page, "studio: compose panel")) {
      const wasOn = (await this.first("advancedSwitch").getAttribute("aria-checked")) === "true";
      if (!wasOn) await this.actions.click(this.first("advancedSwitch"), "advancedSwitch", step);
      for (const key of ["bpmInput", "lengthInput", "seedInput"])
        await this.look(key, this.page, "studio: advanced sound mode");
      if (!wasOn) await this.actions.click(this.first("advancedSwitch"), "advancedSwitch", step);
    }
    if (await this.look("modelButton", this.page, "studio: compose panel")) {
      await this.actions.click(this.first("modelButton"), "modelButton", step);
      const popup = newestMenu(this.site, this.page);
      const menu = (await popup.count()) > 0 ? popup : this.page;
      for (const model of this.site.models) {
        const found = await this.look("modelOption", menu, `model menu: ${model.label}`, { model: model.label });
        if (!found) break;
      }
      await this.page.keyboard.press("Escape");
    }
    if (await this.guard.exists("titleInput", { visible: true })) {
      // The panel kept its details open from last time; the toggle then reads "Collapse…".
      this.skip("detailsToggle", "studio: compose panel", "the details are already open");
      await this.look("titleInput", this.page, "studio: details");
    } else if (await this.look("detailsToggle", this.page, "studio: compose panel")) {
      await this.actions.click(this.first("detailsToggle"), "detailsToggle", step);
      await this.look("titleInput", this.page, "studio: details");
    }
    for (const key of ["generateButton", "chatInput", "chatSend"]) await this.look(key, this.page, "studio");
  }

  private async library2026(): Promise<void> {
    const where = "library";
    await this.page.goto(siteUrl(this.site, "library"), {
      timeout: this.site.timeouts.navigationMs,
      waitUntil: "domcontentloaded",
    });
    await this.guard.dismissOverlays();
    const rowKeys = [
      "libraryRow",
      "songLink",
      "moreOptions",
      "menuDownload",
      "formatWav",
      "formatMp3",
      "formatM4a",
      "splitStems",
    ].filter((key) => key in this.site.locators);
    // Any song of the library will do: a link to the profile's song page names one.
    const songPage = String(this.site.paths.song).split("{")[0] as string;
    const links = this.page.locator(`a[href*=${JSON.stringify(songPage)}]`);
    const deadline = Date.now() + this.waitMs;
    while ((await links.count().catch(() => 0)) === 0 && Date.now() < deadline) {
      await this.guard.dismissOverlays();
      await this.page.waitForTimeout(100);
    }
    if ((await links.count()) === 0) {
      for (const key of rowKeys) this.skip(key, where, "no song in the library to check against");
      return;
    }
    const link = links.first();
    const id =
      (await link.getAttribute("href").catch(() => null))?.split(/[?#]/)[0]?.split("/").filter(Boolean).pop() ?? "";
    const title = ((await link.textContent().catch(() => null)) ?? "").replace(/\s+/g, " ").trim();
    const song = `${where}: row of ${JSON.stringify(title)}`;
    if (!(await this.look("songLink", this.page, song, { id }))) return;
    if (!(await this.look("moreOptions", this.page, song, { title }))) return;
    const row = songRow(this.site, this.page, { id, title });
    if ("libraryRow" in this.site.locators) await this.look("libraryRow", this.page, where);
    const context = { step: "site check", songNumber: 1 };
    const menu = await this.actions.openMenu(
      locate(this.site, row, "moreOptions", { title }).first(),
      "moreOptions",
      row,
      context,
    );
    await this.look("splitStems", menu, "song menu");
    if (await this.look("menuDownload", menu, "song menu")) {
      await this.actions.pick(locate(this.site, menu, "menuDownload").first(), "menuDownload", context, {
        submenu: false,
        opensSubmenu: true,
      });
      const submenu = newestMenu(this.site, this.page);
      const inRow = (await submenu.count()) > 0 ? submenu : row;
      for (const key of ["formatM4a", "formatMp3", "formatWav"]) await this.look(key, inRow, "Download submenu");
    }
    await this.page.keyboard.press("Escape");
    await this.page.keyboard.press("Escape");
  }
}
