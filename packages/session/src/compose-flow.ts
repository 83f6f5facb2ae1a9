import { randomBytes } from "node:crypto";
import {
  GenerationFailedError,
  GenerationMayExistError,
  QuotaExhaustedError,
  TimeoutError,
  UnavailableError,
  type GeneratedSong,
  type GenerationRequest,
  type SubmissionRecord,
} from "@producer/utils";
import { ComposeControls } from "./compose-controls.js";
import type { FlowContext } from "./flow-context.js";
import { LibraryReader } from "./library.js";
import { locate } from "./locators.js";
import type { GenerationCall, StreamState } from "./page-traffic.js";
import type { ClipState, ToolReturn } from "./site-answers.js";
import { songOf } from "./generated-song.js";
import { SongFiles } from "./song-files.js";
import { SongsWaiter } from "./songs-waiter.js";
import { StemSplitter } from "./stem-splitter.js";
import { classifySubmitAnswer } from "./submit-answer.js";

/** A 429 is waited out this long at most in all, each wait at most BUSY_WAIT_MAX_MS, before the job gives up. */
const BUSY_TOTAL_MS = 120_000;
const BUSY_WAIT_MAX_MS = 30_000;
const BUSY_WAIT_DEFAULT_MS = 5_000;

/**
 * The title a generation is submitted with: the user's, or a marker made from the prompt that lets the
 * library find this submission's songs when the page's stream named none (never the prompt, which the site
 * rewrites).
 */
export function submissionTitle(request: GenerationRequest): string {
  if (request.title?.trim()) return request.title.trim();
  const words = request.prompt.replace(/\s+/g, " ").trim().slice(0, 40).replace(/\s\S*$/, "");
  return `${words || "Song"} · ${randomBytes(3).toString("hex")}`;
}

/**
 * The 2026 Flow app: every compose control set, one press of Generate (again only after a 429, or once more
 * when no song started), the generation's ids read from its message stream's tool-return the moment they come,
 * the songs followed through `/__api/clips`, and each file fetched by its storage link, the download endpoint
 * or, last, the library menu. A resumed job never submits: it finds its songs by their ids, or by the title it
 * was submitted with in the library.
 */
export class ComposeFlow {
  private readonly library: LibraryReader;
  private readonly files: SongFiles;
  private readonly waiter: SongsWaiter;

  constructor(private readonly context: FlowContext) {
    this.library = new LibraryReader(context);
    this.files = new SongFiles(context, this.library);
    this.waiter = new SongsWaiter(context);
  }

  async run(request: GenerationRequest): Promise<GeneratedSong[]> {
    const { site } = this.context;
    const mode = request.mode ?? (site.modes[0] as "compose" | "chat");
    this.context.step.name = "open";
    await this.context.openStudio();
    await this.context.traffic.prepare();
    this.context.step.name = "credits";
    const creditsBefore = await this.credits();
    const price = site.creditsPerSong * site.songsPerGeneration;
    if (creditsBefore !== undefined && creditsBefore < price) {
      throw new QuotaExhaustedError(
        `The account has ${creditsBefore} credits; one generation costs about ${price}. Nothing was submitted.`,
        { details: { credits: creditsBefore, price } },
      );
    }
    this.context.step.name = "compose";
    const title = mode === "compose" ? submissionTitle(request) : undefined;
    if (mode === "compose") await new ComposeControls(this.context).set(request, title as string);
    else await this.context.actions.fill(this.locator("chatInput"), "chatInput", request.prompt, { step: "compose" });

    this.context.step.name = "submit";
    await this.context.waitTurn();
    const record: SubmissionRecord = {
      state: "sending",
      submittedAt: new Date().toISOString(),
      prompt: request.prompt,
      ...(title ? { title } : {}),
      ...(creditsBefore !== undefined ? { creditsBefore } : {}),
    };
    const submitKey = mode === "compose" ? "generateButton" : "chatSend";
    await this.submit(record, submitKey);
    this.context.progress({ stage: "submitted" });
    return this.follow(record, request, submitKey);
  }

  /** Finds the songs of an earlier attempt's submission and downloads them; never submits. */
  async resume(record: SubmissionRecord, request: GenerationRequest): Promise<GeneratedSong[]> {
    const { traffic } = this.context;
    this.context.step.name = "open";
    await this.context.openStudio();
    await traffic.prepare();
    this.context.step.name = "resume";
    let clipIds = record.clipIds ?? [];
    if (clipIds.length === 0 && record.siteJobId) {
      // The stream replays from its start: the tool-return is there if the generation started.
      const named = await this.idsFromStream(record.siteJobId, Math.min(this.context.site.timeouts.songStartMs, 10_000));
      clipIds = named?.clipIds ?? [];
      if (named?.operationId) record.opIds = [named.operationId];
    }
    if (clipIds.length === 0) {
      for (const opId of record.opIds ?? []) {
        await traffic.fetchJson("status", { suffix: encodeURIComponent(opId) }).catch(() => undefined);
        clipIds.push(...(traffic.operations.get(opId)?.clipIds ?? []));
      }
    }
    if (clipIds.length === 0) clipIds = await this.library.songsOf(record);
    if (clipIds.length === 0 && record.state === "sending" && !record.siteJobId && record.creditsBefore !== undefined) {
      // The page died between the press and the site's answer. Had the site taken the prompt, its songs would
      // show within songStartMs and its price would have left the balance: with neither, it never arrived.
      clipIds = await this.library.waitForSongsOf(record);
      if (clipIds.length === 0 && (await this.freshCredits()) === record.creditsBefore) {
        this.context.logger.warn({ submittedAt: record.submittedAt }, "the earlier press never reached the site (no song, balance unchanged); submitting it now, once");
        await this.context.record({ ...record, state: "refused", refusal: "never reached the site: no song, and the balance unchanged" });
        return this.run(request);
      }
    }
    if (clipIds.length === 0) {
      throw new GenerationMayExistError(
        `The prompt was submitted at ${record.submittedAt}, but the site shows no song of it; it was not submitted again. Look in the library before asking again.`,
        { details: { step: "resume", submittedAt: record.submittedAt, siteJobId: record.siteJobId ?? null, state: record.state } },
      );
    }
    this.context.logger.info({ clipIds }, "found the songs of the earlier submission");
    const found: SubmissionRecord = { ...record, state: "accepted", clipIds };
    await this.context.record(found);
    return this.collect(found, request, clipIds);
  }

  private locator(key: string) {
    return locate(this.context.site, this.context.page, key).first();
  }

  /** The balance, as the page's own credits call said, or asked inside the page. */
  private async credits(): Promise<number | undefined> {
    const { traffic, site, signal } = this.context;
    const seen = await traffic.waitFor(() => traffic.credits, { timeoutMs: Math.min(site.timeouts.elementMs, 3000), signal });
    if (seen !== undefined) return seen;
    return this.freshCredits();
  }

  /** The balance as the site says it now (asked inside the page, not remembered from the page's load). */
  private async freshCredits(): Promise<number | undefined> {
    const { traffic } = this.context;
    traffic.credits = undefined;
    await traffic.fetchJson("credits").catch(() => undefined);
    return traffic.credits;
  }

  /**
   * Presses the submit control and reads the site's answer. A 429 is not a submission: the record goes back
   * to "refused", the site's `retry-after` is waited (bounded) and the control pressed again. The record is
   * saved as "sending" before every press, so a crash between press and answer is looked for, never resent.
   */
  private async submit(record: SubmissionRecord, submitKey: string): Promise<void> {
    const busySince = Date.now();
    for (;;) {
      record.state = "sending";
      delete record.refusal;
      await this.context.record(record);
      const call = await this.press(record, submitKey);
      const answer = classifySubmitAnswer(call);
      switch (answer.outcome) {
        case "accepted":
          record.state = "accepted";
          record.siteJobId = answer.jobId;
          await this.context.record(record);
          return;
        case "busy": {
          await this.refuse(record, "HTTP 429: the site is busy");
          const waitMs = Math.min(BUSY_WAIT_MAX_MS, Math.max(1000, (answer.retryAfterSecs ?? BUSY_WAIT_DEFAULT_MS / 1000) * 1000));
          if (Date.now() - busySince + waitMs > BUSY_TOTAL_MS) {
            throw new UnavailableError(`The site stayed busy ("Producer is busy helping others") for ${Math.round((Date.now() - busySince) / 1000)} s; nothing was submitted.`, {
              details: { step: "submit", httpStatus: 429 },
            });
          }
          this.context.logger.info({ waitMs }, "the site is busy (HTTP 429); waiting as it asked, then pressing again");
          await this.context.sleep(waitMs);
          await this.context.guard.dismissOverlays();
          continue;
        }
        case "out-of-credits":
          await this.refuse(record, "HTTP 402");
          throw new QuotaExhaustedError("The site refused the generation: the account is out of credits (HTTP 402).", {
            details: { step: "submit", httpStatus: 402 },
          });
        case "never-delivered":
          await this.refuse(record, answer.failure);
          throw new UnavailableError(`The generation request never reached the site: ${answer.failure}.`, { details: { step: "submit" } });
        case "answer-lost":
          throw new UnavailableError(`The generation request reached the site, but ${answer.what}; its songs will be looked for, not asked for again.`, {
            details: { step: "submit", answerLost: true },
          });
        case "refused":
          await this.refuse(record, `HTTP ${answer.httpStatus}`);
          throw new GenerationFailedError(`The site refused the generation request (HTTP ${answer.httpStatus}); nothing was made.`, {
            details: { step: "submit", httpStatus: answer.httpStatus ?? null },
          });
      }
    }
  }

  /** One press of the submit control, and the generation call it made with its answer. */
  private async press(record: SubmissionRecord, submitKey: string): Promise<GenerationCall> {
    const { traffic, site, signal, actions } = this.context;
    const before = traffic.calls.length;
    const kind = submitKey === "chatSend" ? "chat" : "compose";
    await actions.click(this.locator(submitKey), submitKey, { step: "submit" });
    const call = await traffic.waitFor<GenerationCall>(
      () => traffic.calls.slice(before).find((candidate) => candidate.kind === kind && (candidate.status !== undefined || candidate.failed !== undefined)),
      { timeoutMs: site.timeouts.replyMs, signal },
    );
    if (call) return call;
    if (!traffic.calls.slice(before).some((candidate) => candidate.kind === kind)) {
      // The click sent nothing: the prompt never left the page.
      await this.refuse(record, "no request was sent");
      throw this.context.guard.siteChanged(submitKey, "was clicked but the page sent no generation request", { step: "submit" });
    }
    throw new TimeoutError(`The site did not answer the generation request within ${site.timeouts.replyMs} ms.`, { details: { step: "submit" } });
  }

  /**
   * Records that the site said no. A second press that is refused leaves the first, accepted press as the
   * record: its songs may still come, so a retry must look for them rather than send again.
   */
  private async refuse(record: SubmissionRecord, refusal: string): Promise<void> {
    if (record.pressedAgain && record.siteJobId) return;
    record.state = "refused";
    record.refusal = refusal;
    await this.context.record(record);
  }

  /** The create-song tool-return of a job's stream, read inside the page as it arrives; undefined by the deadline. */
  private async idsFromStream(jobId: string, timeoutMs: number): Promise<ToolReturn | undefined> {
    const { traffic, signal } = this.context;
    const stream = await traffic.openStream(jobId);
    const named = await traffic.waitFor(() => this.songsNamed(stream) ?? (stream.error || stream.ended ? null : undefined), {
      timeoutMs,
      signal,
    });
    if (stream.error) {
      const { type, message } = stream.error;
      throw new GenerationFailedError(`The site says the generation failed${type ? ` (${type})` : ""}: ${(message ?? "no reason given").replace(/\.$/, "")}.`, {
        retryable: false,
        details: { step: "generation", errorType: type ?? null, errorMessage: message ?? null, siteJobId: jobId },
      });
    }
    if (named) await traffic.closeStream(jobId);
    else if (stream.failure) this.context.logger.warn({ jobId, failure: stream.failure }, "the message stream could not be read");
    return named ?? undefined;
  }

  private songsNamed(stream: StreamState): ToolReturn | undefined {
    const { createSong } = this.context.site.tools;
    return stream.toolReturns.find((toolReturn) => (toolReturn.toolName ?? createSong) === createSong && toolReturn.clipIds.length > 0);
  }

  /** Follows the accepted submission to its songs: Generate once more if none starts, then the library. */
  private async follow(record: SubmissionRecord, request: GenerationRequest, submitKey: string): Promise<GeneratedSong[]> {
    const { site } = this.context;
    this.context.step.name = "generation";
    let named = await this.idsFromStream(record.siteJobId as string, site.timeouts.songStartMs);
    let clipIds = named?.clipIds ?? [];
    if (clipIds.length === 0) {
      clipIds = await this.library.songsOf(record);
      if (clipIds.length === 0 && !record.pressedAgain) {
        this.context.logger.warn({ afterMs: site.timeouts.songStartMs }, "no song started; pressing Generate once more");
        record.pressedAgain = true;
        const firstJobId = record.siteJobId;
        await this.submit(record, submitKey);
        named = await this.idsFromStream(record.siteJobId as string, site.timeouts.songStartMs);
        clipIds = named?.clipIds ?? (await this.library.songsOf(record));
        if (clipIds.length === 0 && firstJobId) record.siteJobId = firstJobId;
      }
    }
    if (clipIds.length === 0) {
      throw new GenerationMayExistError(
        `The site took the prompt (job ${record.siteJobId}) but no song started${record.pressedAgain ? ", even after pressing Generate once more" : ""}, and the library shows none.`,
        { details: { step: "generation", submittedAt: record.submittedAt, siteJobId: record.siteJobId ?? null, pressedAgain: record.pressedAgain === true } },
      );
    }
    if (named?.operationId) record.opIds = [named.operationId];
    record.clipIds = clipIds;
    await this.context.record(record);
    this.context.progress({ stage: "generating" });
    return this.collect(record, request, clipIds);
  }

  /** Waits for every song to settle, then downloads each (and its stems). */
  private async collect(record: SubmissionRecord, request: GenerationRequest, clipIds: string[]): Promise<GeneratedSong[]> {
    this.context.step.name = "generation";
    const clips = await this.waiter.settled(clipIds, "generation", record.opIds ?? []);
    const creditsAfter = await this.freshCredits();
    if (creditsAfter !== undefined) await this.context.record({ ...record, creditsAfter });
    const charged =
      record.creditsBefore !== undefined && creditsAfter !== undefined ? Math.max(0, record.creditsBefore - creditsAfter) : undefined;
    const playable = clips.filter((clip) => clip.done);
    if (playable.length === 0) {
      throw await this.waiter.failure(clips, record.opIds ?? [], "generation");
    }
    this.context.step.name = "download";
    for (const clip of clips.filter((candidate) => !candidate.done)) {
      this.context.logger.warn({ songNumber: clips.indexOf(clip) + 1, clipId: clip.id }, "song came back without audio");
    }
    const songs = await this.downloadAll(clips, request, charged === undefined ? undefined : charged / playable.length);
    if (request.stems) {
      songs.push(...(await new StemSplitter(this.context, this.library, this.waiter, this.files).split(songs, request)));
    }
    this.context.progress({ stage: "done", songCount: songs.length });
    return songs;
  }

  /** Downloads every playable song at once (links and the endpoint don't share a page's state), in order. */
  private async downloadAll(clips: ClipState[], request: GenerationRequest, creditsEach: number | undefined): Promise<GeneratedSong[]> {
    const results = await Promise.allSettled(
      clips.map(async (clip, index) => {
        if (!clip.done) return undefined;
        this.context.progress({ stage: "downloading", songNumber: index + 1, songCount: clips.length });
        const filePath = await this.files.download(clip, index, request.format);
        // The clip does not say its model: it is the one the picker was set to (the profile's default unless asked).
        const model = request.mode === "chat" ? request.model : (request.model ?? this.context.site.defaultModel);
        return songOf(clip, index, filePath, request, creditsEach, model);
      }),
    );
    const failed = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failed) throw failed.reason;
    return results
      .map((result) => (result as PromiseFulfilledResult<GeneratedSong | undefined>).value)
      .filter((song): song is GeneratedSong => song !== undefined);
  }
}
