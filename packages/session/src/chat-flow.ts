import path from "node:path";
import type { Locator } from "playwright";
import {
  GenerationFailedError,
  GenerationMayExistError,
  TimeoutError,
  UnavailableError,
  type GeneratedSong,
  type GenerationRequest,
  type SubmissionRecord,
} from "@producer/utils";
import type { FlowContext } from "./flow-context.js";
import { locate, siteUrl } from "./locators.js";
import { abortable } from "./playwright-helpers.js";
import { songFileName } from "./song-files.js";

/** What the 2025 page gets as the message: the prompt, with the title, lyrics and instrumental wish as sentences. */
export function composeMessage(request: GenerationRequest): string {
  const parts = [request.prompt.trim()];
  if (request.title) parts.push(`Title: ${request.title.trim()}`);
  if (request.instrumental) parts.push("Instrumental only, no vocals.");
  if (request.lyrics) parts.push(`Lyrics:\n${request.lyrics.trim()}`);
  return parts.join("\n");
}

const clipIdOf = (href: string | null) => href?.split(/[?#]/)[0]?.split("/").filter(Boolean).pop();

/** The clip id from a card's song link, without waiting for a link a failed card does not have. */
async function cardClipId(link: Locator): Promise<string | undefined> {
  if ((await link.count()) === 0) return undefined;
  return clipIdOf(await link.getAttribute("href", { timeout: 1000 }).catch(() => null));
}

/**
 * The 2025 producer.ai chat page: the message sent with Enter, the assistant's reply, one card per song, and each
 * song downloaded through its own card's menu. Song ids come from the cards' links as soon as they show; a
 * resumed job opens each song's own page instead of sending the message again.
 */
export class ChatFlow {
  constructor(private readonly context: FlowContext) {}

  async run(request: GenerationRequest): Promise<GeneratedSong[]> {
    const { site, page, guard, signal, actions } = this.context;
    this.context.step.name = "open";
    await this.context.openStudio();

    this.context.step.name = "submit";
    await this.context.waitTurn();
    const replies = locate(site, page, "reply");
    const before = await replies.count();
    const input = locate(site, page, "promptInput").first();
    const message = composeMessage(request);
    await actions.fill(input, "promptInput", message, { step: "submit" });
    await this.context.pause();
    const record: SubmissionRecord = {
      state: "sending",
      submittedAt: new Date().toISOString(),
      prompt: message,
      ...(request.title ? { title: request.title } : {}),
    };
    await this.context.record(record);
    await abortable(input.press("Enter", { timeout: site.timeouts.elementMs }), signal);
    this.context.progress({ stage: "submitted" });

    this.context.step.name = "reply";
    const reply = replies.nth(before);
    await guard.waitForElement(
      { reply: async () => (await reply.count()) > 0 },
      { timeoutMs: site.timeouts.replyMs, step: "reply", signal, locator: "reply" },
    );
    record.state = "accepted";
    await this.context.record(record);
    this.context.progress({ stage: "replying" });

    this.context.step.name = "generation";
    const cards = locate(site, reply, "songCard");
    await guard.waitForElement(
      { cards: async () => (await cards.count()) > 0 },
      { timeoutMs: site.timeouts.generationMs, step: "generation", signal, locator: "songCard" },
    );
    this.context.progress({ stage: "generating" });
    const pending = locate(site, reply, "songCardPending");
    await guard.waitUnblocked(
      { ready: async () => (await pending.count()) === 0 },
      { timeoutMs: site.timeouts.generationMs, step: "generation", signal },
    );
    const total = await cards.count();
    const clipIds: string[] = [];
    for (let index = 0; index < total; index += 1) {
      const id = await cardClipId(locate(site, cards.nth(index), "songLink").first());
      if (id) clipIds.push(id);
    }
    if (clipIds.length > 0) await this.context.record({ ...record, clipIds });
    return this.downloadCards(cards, total, request);
  }

  /** Opens each song's own page (from the recorded links) and downloads it there; never sends the message again. */
  async resume(record: SubmissionRecord, request: GenerationRequest): Promise<GeneratedSong[]> {
    const { site } = this.context;
    const clipIds = record.clipIds ?? [];
    if (clipIds.length === 0) {
      throw new GenerationMayExistError(
        `The message was sent at ${record.submittedAt}, but no song of it was seen before the attempt ended; it was not sent again. Look at the chat on the site before asking again.`,
        { details: { step: "resume", submittedAt: record.submittedAt, state: record.state } },
      );
    }
    const songs: GeneratedSong[] = [];
    for (const [index, clipId] of clipIds.entries()) {
      this.context.step.name = "resume";
      await this.open(siteUrl(site, "song", { id: clipId }), "songCard");
      const cards = locate(site, this.context.page, "songCard");
      songs.push(...(await this.downloadCards(cards, 1, request, index)));
    }
    return songs;
  }

  private async open(url: string, expected: string): Promise<void> {
    const { site, page, guard, signal } = this.context;
    const response = await abortable(
      page.goto(url, { timeout: site.timeouts.navigationMs, waitUntil: "domcontentloaded" }),
      signal,
    );
    const status = response?.status() ?? 200;
    if (status >= 500 && !(await guard.exists("challenge"))) {
      throw new UnavailableError(`ProducerAI answered HTTP ${status} for ${new URL(url).pathname}.`, {
        details: { httpStatus: status },
      });
    }
    await guard.waitForElement(
      { ready: () => guard.exists(expected) },
      { timeoutMs: site.timeouts.elementMs, step: this.context.step.name, signal, locator: expected },
    );
  }

  private async downloadCards(
    cards: Locator,
    total: number,
    request: GenerationRequest,
    firstIndex = 0,
  ): Promise<GeneratedSong[]> {
    const { site, actions } = this.context;
    this.context.step.name = "download";
    const songs: GeneratedSong[] = [];
    for (let offset = 0; offset < total; offset += 1) {
      const index = firstIndex + offset;
      const songNumber = index + 1;
      const card = cards.nth(offset);
      if ((await card.and(locate(site, this.context.page, "songCardFailed")).count()) > 0) {
        this.context.logger.warn({ songNumber }, "song came back without audio");
        continue;
      }
      this.context.progress({ stage: "downloading", songNumber, songCount: firstIndex + total });
      const title =
        (
          await locate(site, card, "songTitle")
            .first()
            .textContent({ timeout: site.timeouts.elementMs })
            .catch(() => null)
        )
          ?.replace(/\s+/g, " ")
          .trim() || `Song ${songNumber}`;
      const clipId = await cardClipId(locate(site, card, "songLink").first());
      const context = { step: "download", songNumber };
      const menu = await actions.openMenu(
        locate(site, card, "moreOptionsButton").first(),
        "moreOptionsButton",
        card,
        context,
      );
      const target = path.join(this.context.directory, songFileName(index, title, request.format));
      const filePath = await actions.downloadFromMenu(menu, request.format, target, context, card);
      if (!filePath) {
        throw new TimeoutError(`No download of song ${songNumber} started within ${site.timeouts.downloadMs} ms.`, {
          details: { step: "download", songNumber },
        });
      }
      songs.push({ index, title, filePath, format: request.format, ...(clipId ? { clipId } : {}) });
      await this.context.pause();
    }
    if (songs.length === 0) {
      throw new GenerationFailedError(`All ${total} songs of the generation came back without audio.`, {
        retryable: false,
        details: { step: "download", songCount: total },
      });
    }
    this.context.progress({ stage: "done", songCount: songs.length });
    return songs;
  }
}
