import type { Locator, Page } from "playwright";
import { SiteChangedError, UnavailableError, type LibrarySong, type SubmissionRecord } from "@producer/utils";
import type { FlowContext } from "./flow-context.js";
import { locate, siteUrl } from "./locators.js";
import type { ClipState } from "./site-answers.js";
import type { Site } from "./site.js";
import { abortable } from "./playwright-helpers.js";

/**
 * The row of one song on a page of songs: the profile's `libraryRow` holding the song's link when it has one,
 * else the innermost element that holds both the song's link and its "More options" button (rows need not be
 * list items).
 */
export function songRow(site: Site, page: Page, song: { id: string; title: string }): Locator {
  const link = locate(site, page, "songLink", { id: song.id });
  if ("libraryRow" in site.locators) return locate(site, page, "libraryRow").filter({ has: link }).first();
  return page
    .locator("body *")
    .filter({ has: link })
    .filter({ has: locate(site, page, "moreOptions", { title: song.title }) })
    .last();
}

/** How far before the recorded submission a song found in the library may be dated (clock skew, rounding). */
const LIBRARY_SKEW_MS = 60_000;

/**
 * The account's library, asked only when the page's stream named nothing (a fallback, or a resumed job) or when
 * a song's menu is needed (stems, the last way to download). It is read through the page's own listing call —
 * the newest songs first, one page of them — never by scrolling the whole library; its page is loaded once per
 * job and only for a menu.
 */
export class LibraryReader {
  /** The page shows the library, loaded during this job, and no menu left a download in flight. */
  private loaded = false;

  constructor(private readonly context: FlowContext) {}

  /** The library page must be loaded afresh before the next row is looked for. */
  forget(): void {
    this.loaded = false;
  }

  /** The newest songs, as the page's listing call answers (kept in the traffic's clips). */
  recent(): Promise<ClipState[]> {
    return this.listed("recentClips");
  }

  /** One page of the library, newest first, as the page's own listing call answers it; spends nothing. */
  async page(limit: number, offset: number): Promise<LibrarySong[]> {
    if (!this.context.site.api.library) {
      throw new SiteChangedError("The site profile names no library listing (api.library).", {
        details: { step: "library", profileKeys: ["api.library"] },
      });
    }
    const clips = await this.listed("library", { limit: String(limit), offset: String(offset) }, true);
    return clips.map((clip) => ({
      clipId: clip.id,
      title: clip.title,
      durationSecs: clip.durationSecs ?? null,
      createdAt: clip.createdAt === undefined ? null : new Date(clip.createdAt).toISOString(),
      madeBy: clip.opType ?? null,
      sourceClipId: clip.sourceClipId ?? null,
      finished: clip.done,
      failed: clip.failed,
    }));
  }

  /** The clips a listing answers, in its order; a failed listing is none, or an error when `strict`. */
  private async listed(apiKey: string, vars: Record<string, string> = {}, strict = false): Promise<ClipState[]> {
    const answer = await this.context.traffic.fetchJson(apiKey, { vars }).catch((error: unknown) => {
      if (strict) throw error;
      return undefined;
    });
    if (!answer || answer.status >= 300) {
      if (!strict) return [];
      throw new UnavailableError(`The site's library listing answered HTTP ${answer?.status ?? "nothing"}.`, {
        details: { step: "library", status: answer?.status ?? null },
      });
    }
    const ids = new Set<string>();
    const json = answer.json as { clips?: unknown; data?: unknown } | null;
    const list = Array.isArray(json?.clips)
      ? json.clips
      : Array.isArray(json?.data)
        ? json.data
        : Object.values((json?.clips ?? {}) as object);
    for (const raw of list as Array<{ id?: unknown }>) if (typeof raw?.id === "string") ids.add(raw.id);
    return [...ids]
      .map((id) => this.context.traffic.clips.get(id))
      .filter((clip): clip is ClipState => clip !== undefined);
  }

  /**
   * The songs of a submission in the library: made after it, carrying the title it was submitted with (the
   * marker the driver set), and not stems. Never matched by prompt: the site folds settings into it.
   */
  async songsOf(record: SubmissionRecord): Promise<string[]> {
    if (!record.title) return [];
    const since = Date.parse(record.submittedAt) - LIBRARY_SKEW_MS;
    const { splitStems } = this.context.site.tools;
    return (await this.recent())
      .filter(
        (clip) =>
          clip.title === record.title &&
          (clip.createdAt ?? 0) >= since &&
          clip.opType !== splitStems &&
          clip.sourceClipId === undefined &&
          !clip.failed,
      )
      .sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0))
      .map((clip) => clip.id);
  }

  /**
   * What an operation on `sourceClipId` submitted at `record` made, as the library shows it: clips of that
   * source made after it — its stems, or clips with the title it was sent with — asked again until some show or
   * `timeoutMs` has passed.
   */
  async madeFrom(sourceClipId: string, record: SubmissionRecord, stems: boolean, timeoutMs: number): Promise<string[]> {
    const { traffic, site, signal } = this.context;
    const since = Date.parse(record.submittedAt) - LIBRARY_SKEW_MS;
    const look = async () =>
      (await this.recent())
        .filter(
          (clip) =>
            clip.sourceClipId === sourceClipId &&
            (clip.createdAt ?? 0) >= since &&
            !clip.failed &&
            (stems
              ? clip.opType === site.tools.splitStems
              : clip.opType !== site.tools.splitStems && clip.title === record.title),
        )
        .sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0))
        .map((clip) => clip.id);
    let found = await look();
    if (found.length > 0) return found;
    await traffic.waitFor(() => (found.length > 0 ? found : undefined), {
      timeoutMs,
      pollMs: 2000,
      signal,
      onPoll: async () => {
        found = await look();
      },
    });
    return found;
  }

  /** `songsOf`, asked again until songs show or `songStartMs` has passed. */
  async waitForSongsOf(record: SubmissionRecord, pollMs = 2000): Promise<string[]> {
    const { traffic, site, signal } = this.context;
    let found: string[] = [];
    await traffic.waitFor(() => (found.length > 0 ? found : undefined), {
      timeoutMs: site.timeouts.songStartMs,
      pollMs,
      signal,
      onPoll: async () => {
        found = await this.songsOf(record);
      },
    });
    return found;
  }

  /**
   * The row of one song in the library page (`songRow`), once it shows: the library is loaded first when this job
   * has not loaded it yet, or the page no longer holds the song's link.
   */
  async row(clip: ClipState, songNumber: number, step: string): Promise<Locator> {
    const { site, page, guard, signal } = this.context;
    const link = locate(site, page, "songLink", { id: clip.id });
    const row = songRow(site, page, clip);
    if (!this.loaded || (await link.count().catch(() => 0)) === 0) {
      this.loaded = false;
      await abortable(
        page.goto(siteUrl(site, "library"), { timeout: site.timeouts.navigationMs, waitUntil: "domcontentloaded" }),
        signal,
      );
      await guard.dismissOverlays();
      this.loaded = true;
    }
    await guard.waitForElement(
      { row: async () => (await row.count()) > 0 },
      {
        timeoutMs: site.timeouts.elementMs,
        step,
        signal,
        locator: "libraryRow" in site.locators ? "libraryRow" : "songLink",
        songNumber,
      },
    );
    return row;
  }

  /** Opens one song's "More options" menu in the library and returns its row and the menu. */
  async openSongMenu(clip: ClipState, songNumber: number, step: string): Promise<{ row: Locator; menu: Locator }> {
    const { site, actions } = this.context;
    const row = await this.row(clip, songNumber, step);
    const trigger = locate(site, row, "moreOptions", { title: clip.title }).first();
    const menu = await actions.openMenu(trigger, "moreOptions", row, { step, songNumber });
    return { row, menu };
  }
}
