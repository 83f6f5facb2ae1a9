import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Download } from "playwright";
import type { AudioFormat } from "@producer/config";
import {
  abortReason,
  checkAudioSignature,
  DownloadFailedError,
  ProducerError,
  sanitizeKeySegment,
  sleep,
  TimeoutError,
} from "@producer/utils";
import type { FlowContext } from "./flow-context.js";
import type { LibraryReader } from "./library.js";
import { inPageDownload } from "./page-helpers.js";
import { abortable } from "./playwright-helpers.js";
import type { ClipState } from "./site-answers.js";

/** How often a storage link that answers 404 (a WAV still being made) is asked again. */
const LINK_RETRY_MS = 500;

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
 * Gets one song's file into the job's folder, cheapest way first: its public storage link (`wav_url` /
 * `audio_url`, fetched without credentials: a credentialed cross-origin fetch fails CORS), then the site's
 * download endpoint with the page's Bearer inside the page, then the library row's menu. Every file is
 * checked to be the asked format by its first bytes before it counts.
 */
export class SongFiles {
  /** The library page is one page: songs go through its menus one at a time. */
  private menuTurn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly context: FlowContext,
    private readonly library: LibraryReader,
  ) {}

  async download(clip: ClipState, index: number, format: AudioFormat): Promise<string> {
    const songNumber = index + 1;
    const target = path.join(this.context.directory, songFileName(index, clip.title, format));
    const link = format === "wav" ? clip.wavUrl : format === "m4a" ? clip.audioUrl : undefined;
    // The ways before the library menu, each with what the log says when it gives no file.
    const ways: Array<{ fetch: () => Promise<string>; next: string }> = [];
    if (link) {
      ways.push({
        fetch: () => this.fromLink(link, target, format, songNumber, format === "wav"),
        next: "the storage link gave no file; trying the download endpoint",
      });
    }
    if (this.context.traffic.apiUrl("download", { clipId: clip.id, format })) {
      ways.push({
        fetch: () => this.fromEndpoint(clip, target, format, songNumber),
        next: "the download endpoint gave no file; trying the library menu",
      });
    }
    const failures: unknown[] = [];
    for (const way of ways) {
      try {
        return await way.fetch();
      } catch (error) {
        if (!this.worthAnotherWay(error)) throw error;
        failures.push(error);
        this.context.logger.info({ songNumber, reason: (error as Error).message }, way.next);
      }
    }
    try {
      return await this.fromMenu(clip, target, format, songNumber);
    } catch (error) {
      // The menu is the last resort: when it finds nothing either, the first way's reason is the clearer one.
      if (failures.length > 0 && ProducerError.isInstance(error) && error.code === "SITE_CHANGED") {
        error.details.otherWays = failures.map((failure) => (failure as Error).message);
      }
      throw error;
    }
  }

  /** A cancelled job or a dead page stops here; a refused link or a wrong file tries the next way. */
  private worthAnotherWay(error: unknown): boolean {
    if (this.context.signal?.aborted) return false;
    if (!ProducerError.isInstance(error)) return true;
    return !["CANCELLED", "BROWSER_CRASHED"].includes(error.code);
  }

  /** Fetches a public storage link from here (no cookies); a 404 is asked again until `downloadMs` for a WAV. */
  private async fromLink(
    link: string,
    target: string,
    format: AudioFormat,
    songNumber: number,
    waitForIt: boolean,
  ): Promise<string> {
    const { site, signal } = this.context;
    const url = new URL(link, site.baseUrl).toString();
    const deadline = Date.now() + site.timeouts.downloadMs;
    for (;;) {
      const timeout = AbortSignal.timeout(Math.max(1000, deadline - Date.now()));
      const response = await fetch(url, {
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        redirect: "follow",
      }).catch((error: unknown) => {
        if (signal?.aborted) throw abortReason(signal);
        throw new DownloadFailedError(
          `Song ${songNumber}'s storage link could not be fetched: ${(error as Error).message}`,
          {
            cause: error,
            details: { step: "download", songNumber },
          },
        );
      });
      if (response.ok && response.body) {
        fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
        await pipeline(
          Readable.fromWeb(response.body as import("node:stream/web").ReadableStream),
          fs.createWriteStream(target, { mode: 0o600 }),
        );
        await checkAudioSignature(target, format, { step: "download", songNumber });
        return target;
      }
      await response.body?.cancel().catch(() => undefined);
      if (!(waitForIt && response.status === 404 && Date.now() + LINK_RETRY_MS < deadline)) {
        throw new DownloadFailedError(`Song ${songNumber}'s storage link answered HTTP ${response.status}.`, {
          details: { step: "download", songNumber, httpStatus: response.status },
        });
      }
      await sleep(LINK_RETRY_MS, signal);
    }
  }

  /** The site's download endpoint, called inside the page with its Bearer, saved as a browser download. */
  private async fromEndpoint(
    clip: ClipState,
    target: string,
    format: AudioFormat,
    songNumber: number,
  ): Promise<string> {
    const { page, site, signal, traffic } = this.context;
    const url = traffic.apiUrl("download", { clipId: clip.id, format }) as string;
    const fileName = `producer-${clip.id}.${format}`;
    await traffic.prepare();
    const started = page.waitForEvent("download", {
      timeout: site.timeouts.downloadMs,
      predicate: (download) => download.suggestedFilename() === fileName,
    });
    started.catch(() => undefined);
    const answer = await abortable(inPageDownload(page, url, fileName), signal);
    if (answer.status < 200 || answer.status >= 300) {
      throw new DownloadFailedError(
        `The site's download endpoint answered HTTP ${answer.status} for song ${songNumber}.`,
        {
          details: { step: "download", songNumber, httpStatus: answer.status },
        },
      );
    }
    let download: Download;
    try {
      download = await abortable(started, signal);
    } catch (error) {
      if (ProducerError.isInstance(error)) throw error;
      throw new TimeoutError(
        `The file of song ${songNumber} was fetched but not saved within ${site.timeouts.downloadMs} ms.`,
        {
          cause: error,
          details: { step: "download", songNumber },
        },
      );
    }
    return this.context.actions.save(download, target, format, songNumber);
  }

  /** The last resort: the song's row in the library, its menu, Download, the format (one song at a time). */
  private fromMenu(clip: ClipState, target: string, format: AudioFormat, songNumber: number): Promise<string> {
    const turn = this.menuTurn.then(() => this.throughMenu(clip, target, format, songNumber));
    this.menuTurn = turn.catch(() => undefined);
    return turn;
  }

  private async throughMenu(clip: ClipState, target: string, format: AudioFormat, songNumber: number): Promise<string> {
    const { actions, site } = this.context;
    const context = { step: "download", songNumber };
    const { row, menu } = await this.library.openSongMenu(clip, songNumber, "download");
    const saved = await actions.downloadFromMenu(menu, format, target, context, row, {
      clipId: clip.id,
      otherClipIds: [...this.context.traffic.clips.keys()].filter((id) => id !== clip.id),
    });
    if (saved) return saved;
    this.library.forget();
    throw new TimeoutError(
      `No download of song ${songNumber} started within ${site.timeouts.downloadMs} ms, by link, endpoint or menu.`,
      {
        details: { step: "download", songNumber, clipId: clip.id },
      },
    );
  }
}
