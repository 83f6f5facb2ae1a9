import path from "node:path";
import type { Locator } from "playwright";
import {
  GenerationFailedError,
  GenerationMayExistError,
  InvalidInputError,
  QuotaExhaustedError,
  SiteChangedError,
  TimeoutError,
  UnavailableError,
  type GeneratedSong,
  type GenerationRequest,
  type StemPart,
  type SubmissionRecord,
} from "@producer/utils";
import type { FlowContext } from "./flow-context.js";
import { locate, siteUrl } from "./locators.js";
import type { ClipState, GenerationCall } from "./page-traffic.js";
import { abortable, songFileName } from "./song-actions.js";

/** How far before the recorded submission a song found in the library may be dated (clock skew, rounding). */
const LIBRARY_SKEW_MS = 60_000;
/**
 * The clips are also fetched inside the page while the page's own polling says nothing new: first after
 * FIRST_CLIP_POLL_MS, then at twice the gap each time, up to CLIP_POLL_MS apart.
 */
const FIRST_CLIP_POLL_MS = 100;
const CLIP_POLL_MS = 2_000;

/**
 * Browser network errors that prove the generation request never reached the site. Any other failure (a reset,
 * an empty reply, an abort when Chromium died) may come after the site took it, and is treated as taken.
 */
const NOT_DELIVERED = /ERR_(CONNECTION_REFUSED|NAME_NOT_RESOLVED|NAME_RESOLUTION_FAILED|INTERNET_DISCONNECTED|ADDRESS_UNREACHABLE|BLOCKED_BY_CLIENT|PROXY_CONNECTION_FAILED)\b/;
const neverDelivered = (failure: string) => NOT_DELIVERED.test(failure);
/** Gateway answers: the site behind the gateway may have taken the request anyway. */
const GATEWAY_STATUSES = new Set([502, 504]);

/**
 * The site may have taken the generation but its answer was lost. The record stays "sending": a retry looks for
 * the songs of this submission and never sends the prompt again.
 */
const answerLost = (what: string) =>
  new UnavailableError(`The generation request reached the site, but ${what}; its songs will be looked for, not asked for again.`, {
    details: { step: "submit", answerLost: true },
  });

const STEM_TITLE = /\s-\s(vocals|drums|bass|other)$/i;

const lengthText = (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.round(seconds % 60)).padStart(2, "0")}`;

/**
 * The 2026 Flow app: every compose control set on every generation (the panel keeps old values), one press of
 * Generate (once more only when no song started, after looking in the library), the generation followed through
 * the page's own traffic, and each song downloaded from its library row's menu — with the clip's URL fetched
 * inside the page when the menu gives no file. A resumed job never submits: it finds its songs by their ids, or
 * by prompt and time in the library.
 */
export class ComposeFlow {
  /** The page shows the library, loaded during this job, and no song's menu left a download in flight. */
  private libraryLoaded = false;

  constructor(private readonly context: FlowContext) {}

  async run(request: GenerationRequest): Promise<GeneratedSong[]> {
    const { site } = this.context;
    const mode = request.mode ?? (site.modes[0] as "compose" | "chat");
    this.context.step.name = "open";
    await this.context.openStudio();
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
    if (mode === "compose") await this.setControls(request);
    else await this.context.actions.fill(this.locator("chatInput"), "chatInput", request.prompt, { step: "compose" });

    this.context.step.name = "submit";
    await this.context.waitTurn();
    const record: SubmissionRecord = {
      state: "sending",
      submittedAt: new Date().toISOString(),
      prompt: request.prompt,
      ...(request.title ? { title: request.title } : {}),
      ...(creditsBefore !== undefined ? { creditsBefore } : {}),
    };
    await this.context.record(record);
    const submitKey = mode === "compose" ? "generateButton" : "chatSend";
    await this.submit(record, submitKey);
    this.context.progress({ stage: "submitted" });
    return this.follow(record, request, submitKey);
  }

  /** Finds the songs of an earlier attempt's submission and downloads them; never submits. */
  async resume(record: SubmissionRecord, request: GenerationRequest): Promise<GeneratedSong[]> {
    this.context.step.name = "open";
    await this.context.openStudio();
    this.context.step.name = "resume";
    let clipIds = record.clipIds ?? [];
    if (clipIds.length === 0) {
      for (const opId of record.opIds ?? []) {
        await this.context.traffic.fetchJson("status", { suffix: encodeURIComponent(opId) }).catch(() => undefined);
        clipIds = this.context.traffic.operations.get(opId)?.clipIds ?? clipIds;
      }
    }
    if (clipIds.length === 0) clipIds = await this.findInLibrary(record);
    if (clipIds.length === 0 && record.state === "sending" && !record.siteJobId && record.creditsBefore !== undefined) {
      // The page died between the press and the site's answer. Had the site taken the prompt, its songs would
      // show within songStartMs and its price would have left the balance: with neither, it never arrived.
      clipIds = await this.waitInLibrary(record);
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

  private locator(key: string, vars: Record<string, string> = {}): Locator {
    return locate(this.context.site, this.context.page, key, vars).first();
  }

  /** The balance, as the page's own credits call said, or asked inside the page. */
  private async credits(): Promise<number | undefined> {
    const { traffic, site, signal } = this.context;
    const seen = await traffic.waitFor(() => traffic.credits, { timeoutMs: Math.min(site.timeouts.elementMs, 3000), signal });
    if (seen !== undefined) return seen;
    await traffic.fetchJson("credits").catch(() => undefined);
    await traffic.settle();
    return traffic.credits;
  }

  /**
   * Sets every control of the compose panel, every time: the panel keeps what the last generation left. The
   * values are read first, together, and only the controls that differ are touched.
   */
  private async setControls(request: GenerationRequest): Promise<void> {
    const { site, actions, guard } = this.context;
    const step = { step: "compose" };
    if (!(await guard.exists("soundDescription", { visible: true }))) {
      await actions.click(this.locator("composeToggle"), "composeToggle", step);
      await guard.waitForElement(
        { open: () => guard.exists("soundDescription", { visible: true }) },
        { timeoutMs: site.timeouts.elementMs, step: "compose", signal: this.context.signal, locator: "soundDescription" },
      );
    }
    const wanted = {
      soundDescription: request.prompt,
      lyricsInput: request.instrumental ? "" : (request.lyrics ?? ""),
      bpmInput: request.bpm === undefined ? "" : String(request.bpm),
      lengthInput: request.durationSecs === undefined ? "" : lengthText(request.durationSecs),
      seedInput: request.seed === undefined ? "" : String(request.seed),
      titleInput: request.title ?? "",
    };
    const now = await this.readControls(Object.keys(wanted));
    const differs = (key: keyof typeof wanted) => now[key] !== wanted[key];
    const fill = async (key: keyof typeof wanted) => {
      if (differs(key)) await actions.fill(this.locator(key), key, wanted[key], step);
    };
    await fill("soundDescription");
    await fill("lyricsInput");
    await this.setSwitch("instrumentalSwitch", request.instrumental === true);
    // BPM, length and seed count only while advanced mode is on; with none asked, it is left (or turned) off.
    const advanced = request.bpm !== undefined || request.durationSecs !== undefined || request.seed !== undefined;
    const advancedKeys = ["bpmInput", "lengthInput", "seedInput"] as const;
    if (advanced || (await this.switchOn("advancedSwitch"))) {
      if (advanced || advancedKeys.some(differs)) {
        await this.setSwitch("advancedSwitch", true);
        for (const key of advancedKeys) await fill(key);
      }
      if (!advanced) await this.setSwitch("advancedSwitch", false);
    }
    await this.setModel(request.model ?? site.defaultModel);
    if (differs("titleInput")) {
      if (!(await guard.exists("titleInput", { visible: true }))) {
        await actions.click(this.locator("detailsToggle"), "detailsToggle", step);
      }
      await fill("titleInput");
    }
    await this.context.pause();
  }

  /** The current values of text controls, read together (undefined where one cannot be read). */
  private async readControls(keys: string[]): Promise<Record<string, string | undefined>> {
    const values = await Promise.all(
      keys.map((key) => this.locator(key).inputValue({ timeout: 500 }).catch(() => undefined)),
    );
    return Object.fromEntries(keys.map((key, index) => [key, values[index]]));
  }

  private async switchOn(key: string): Promise<boolean> {
    const state = await this.locator(key).getAttribute("aria-checked", { timeout: this.context.site.timeouts.elementMs }).catch(() => null);
    if (state === null) throw this.context.guard.siteChanged(key, "has no aria-checked state", { step: "compose" });
    return state === "true";
  }

  private async setSwitch(key: string, on: boolean): Promise<void> {
    if ((await this.switchOn(key)) !== on) await this.context.actions.click(this.locator(key), key, { step: "compose" });
  }

  private async setModel(modelId: string | undefined): Promise<void> {
    if (!modelId) return;
    const { site, actions } = this.context;
    const model = site.models.find((candidate) => candidate.id === modelId);
    if (!model) {
      throw new InvalidInputError(`The model ${JSON.stringify(modelId)} is not one of the ${site.profile} profile's.`, [
        { path: "model", message: `must be one of ${site.models.map((candidate) => candidate.id).join(", ")}` },
      ]);
    }
    const button = this.locator("modelButton");
    const current = (await button.textContent({ timeout: site.timeouts.elementMs }).catch(() => null))?.trim() ?? "";
    if (current === model.label) return;
    await actions.click(button, "modelButton", { step: "compose" });
    const option = locate(site, this.context.page.locator('[role="menu"]:visible').last(), "modelOption", { model: model.label }).first();
    await actions.click(option, "modelOption", { step: "compose" });
    const after = (await button.textContent().catch(() => null))?.trim() ?? "";
    if (after !== model.label) throw this.context.guard.siteChanged("modelOption", `did not select ${model.label} (the picker shows ${JSON.stringify(after)})`, { step: "compose" });
  }

  /** Presses the submit control once and reads the site's answer from the traffic. */
  private async submit(record: SubmissionRecord, submitKey: string): Promise<void> {
    const { traffic, site, signal, actions } = this.context;
    const before = traffic.calls.length;
    await actions.click(this.locator(submitKey), submitKey, { step: "submit" });
    const call = await traffic.waitFor<GenerationCall>(
      () => traffic.calls.slice(before).find((candidate) => candidate.status !== undefined || candidate.failed !== undefined),
      { timeoutMs: site.timeouts.replyMs, signal },
    );
    if (!call) {
      if (traffic.calls.length === before) {
        // The click sent nothing: the prompt never left the page.
        await this.refuse(record, "no request was sent");
        throw this.context.guard.siteChanged(submitKey, "was clicked but the page sent no generation request", { step: "submit" });
      }
      throw new TimeoutError(`The site did not answer the generation request within ${site.timeouts.replyMs} ms.`, {
        details: { step: "submit" },
      });
    }
    if (call.failed) {
      if (!neverDelivered(call.failed)) throw answerLost(`the request failed on its way back (${call.failed})`);
      await this.refuse(record, call.failed);
      throw new UnavailableError(`The generation request never reached the site: ${call.failed}.`, { details: { step: "submit" } });
    }
    if (call.status === 402) {
      await this.refuse(record, "HTTP 402");
      throw new QuotaExhaustedError("The site refused the generation: the account is out of credits (HTTP 402).", {
        details: { step: "submit", httpStatus: 402 },
      });
    }
    if (call.status !== undefined && ((call.status >= 200 && call.status < 300) || GATEWAY_STATUSES.has(call.status)) && !call.jobId) {
      throw answerLost(`HTTP ${call.status} came back without a readable answer`);
    }
    if (call.status === undefined || call.status >= 300 || !call.jobId) {
      await this.refuse(record, `HTTP ${call.status}`);
      throw new GenerationFailedError(`The site refused the generation request (HTTP ${call.status}); nothing was made.`, {
        details: { step: "submit", httpStatus: call.status ?? null },
      });
    }
    record.state = "accepted";
    record.siteJobId = call.jobId;
    await this.context.record(record);
  }

  /**
   * Records that the site said no. A second press of Generate that is refused leaves the first, accepted
   * press as the record: its songs may still come, so a retry must look for them rather than send again.
   */
  private async refuse(record: SubmissionRecord, refusal: string): Promise<void> {
    if (record.pressedAgain && record.state === "accepted") return;
    record.state = "refused";
    record.refusal = refusal;
    await this.context.record(record);
  }

  /** Follows the accepted submission to its songs: Generate once more if none starts, then the library. */
  private async follow(record: SubmissionRecord, request: GenerationRequest, submitKey: string): Promise<GeneratedSong[]> {
    const { traffic, site, signal } = this.context;
    this.context.step.name = "generation";
    const started = () =>
      [...traffic.operations.values()].find((operation) => operation.jobId !== undefined && operation.jobId === record.siteJobId);
    let operation = await traffic.waitFor(started, { timeoutMs: site.timeouts.songStartMs, signal });
    let clipIds = operation?.clipIds ?? [];
    if (!operation) {
      clipIds = await this.findInLibrary(record);
      if (clipIds.length === 0 && !record.pressedAgain) {
        this.context.logger.warn({ afterMs: site.timeouts.songStartMs }, "no song started; pressing Generate once more");
        record.pressedAgain = true;
        await this.context.record(record);
        await this.submit(record, submitKey);
        operation = await traffic.waitFor(started, { timeoutMs: site.timeouts.songStartMs, signal });
        clipIds = operation?.clipIds ?? (await this.findInLibrary(record));
      }
    }
    if (clipIds.length === 0) {
      throw new GenerationMayExistError(
        `The site took the prompt (job ${record.siteJobId}) but no song started${record.pressedAgain ? ", even after pressing Generate once more" : ""}, and the library shows none.`,
        { details: { step: "generation", submittedAt: record.submittedAt, siteJobId: record.siteJobId ?? null, pressedAgain: record.pressedAgain === true } },
      );
    }
    if (operation) record.opIds = [operation.opId];
    record.clipIds = clipIds;
    await this.context.record(record);
    this.context.progress({ stage: "generating" });
    return this.collect(record, request, clipIds);
  }

  /** Waits for every song to settle, then downloads each (and its stems). */
  private async collect(record: SubmissionRecord, request: GenerationRequest, clipIds: string[]): Promise<GeneratedSong[]> {
    this.context.step.name = "generation";
    const clips = await this.waitSettled(clipIds, "generation");
    const creditsAfter = await this.creditsNow();
    if (creditsAfter !== undefined) await this.context.record({ ...record, creditsAfter });
    const charged =
      record.creditsBefore !== undefined && creditsAfter !== undefined ? Math.max(0, record.creditsBefore - creditsAfter) : undefined;
    const playable = clips.filter((clip) => clip.done);
    if (playable.length === 0) {
      throw new GenerationFailedError(`All ${clips.length} songs of the generation came back without audio.`, {
        retryable: false,
        details: { step: "generation", songCount: clips.length, clipIds },
      });
    }
    this.context.step.name = "download";
    const songs: GeneratedSong[] = [];
    for (const [index, clip] of clips.entries()) {
      if (!clip.done) {
        this.context.logger.warn({ songNumber: index + 1, clipId: clip.id }, "song came back without audio");
        continue;
      }
      this.context.progress({ stage: "downloading", songNumber: index + 1, songCount: clips.length });
      const filePath = await this.download(clip, index, request.format);
      songs.push(this.song(clip, index, filePath, request, charged === undefined ? undefined : charged / playable.length));
      await this.context.pause();
    }
    if (request.stems) songs.push(...(await this.stems(songs, request)));
    this.context.progress({ stage: "done", songCount: songs.length });
    return songs;
  }

  private song(clip: ClipState, index: number, filePath: string, request: GenerationRequest, creditsCharged?: number): GeneratedSong {
    return {
      index,
      title: clip.title || request.title || `Song ${index + 1}`,
      filePath,
      format: request.format,
      clipId: clip.id,
      ...(clip.model ? { model: clip.model } : request.model ? { model: request.model } : {}),
      ...(clip.seed !== undefined ? { seed: clip.seed } : {}),
      ...(clip.bpm !== undefined ? { bpm: clip.bpm } : {}),
      ...(clip.durationSecs !== undefined ? { siteDurationSecs: clip.durationSecs } : {}),
      ...(creditsCharged !== undefined ? { creditsCharged: Math.round(creditsCharged * 100) / 100 } : {}),
    };
  }

  private async creditsNow(): Promise<number | undefined> {
    const { traffic } = this.context;
    await traffic.fetchJson("credits").catch(() => undefined);
    await traffic.settle();
    return traffic.credits;
  }

  /** Waits until each clip is done or failed (from the page's clips traffic, or clips fetched inside the page). */
  private async waitSettled(clipIds: string[], step: string): Promise<ClipState[]> {
    const { traffic, site, signal } = this.context;
    let gap = FIRST_CLIP_POLL_MS;
    let nextPoll = Date.now() + gap;
    const settled = await traffic.waitFor(
      () => {
        const failedOp = [...traffic.operations.values()].find(
          (operation) => operation.status === "failed" && operation.clipIds.some((id) => clipIds.includes(id)),
        );
        if (failedOp) {
          throw new GenerationFailedError(
            `The site says the generation failed: ${(failedOp.errorMessage ?? failedOp.errorType ?? "no reason given").replace(/\.$/, "")}.`,
            {
              retryable: false,
              details: { step, errorType: failedOp.errorType ?? null, errorMessage: failedOp.errorMessage ?? null, opId: failedOp.opId },
            },
          );
        }
        const clips = clipIds.map((id) => traffic.clips.get(id));
        return clips.every((clip) => clip && (clip.done || clip.failed)) ? (clips as ClipState[]) : undefined;
      },
      {
        timeoutMs: site.timeouts.generationMs,
        signal,
        pollMs: FIRST_CLIP_POLL_MS,
        onPoll: async () => {
          if (Date.now() < nextPoll) return;
          gap = Math.min(gap * 2, CLIP_POLL_MS);
          nextPoll = Date.now() + gap;
          await traffic.fetchJson("clips", { method: "POST", body: { clip_ids: clipIds } });
        },
      },
    );
    if (!settled) {
      throw new TimeoutError(`The songs were not done within ${site.timeouts.generationMs} ms.`, {
        details: { step, clipIds },
      });
    }
    return settled;
  }

  /**
   * The songs of a submission found in the library (the page's recent-clips call): made from the same prompt,
   * no earlier than the submission. The newest such generation wins.
   */
  /** `findInLibrary`, asked again until songs show or `songStartMs` has passed. */
  private async waitInLibrary(record: SubmissionRecord): Promise<string[]> {
    const { traffic, site, signal } = this.context;
    let found: string[] = [];
    await traffic.waitFor(() => (found.length > 0 ? found : undefined), {
      timeoutMs: site.timeouts.songStartMs,
      pollMs: CLIP_POLL_MS,
      ...(signal ? { signal } : {}),
      onPoll: async () => {
        found = await this.findInLibrary(record);
      },
    });
    return found;
  }

  /** The balance as the site says it now (asked inside the page, not remembered from the page's load). */
  private async freshCredits(): Promise<number | undefined> {
    const { traffic } = this.context;
    traffic.credits = undefined;
    await traffic.fetchJson("credits").catch(() => undefined);
    await traffic.settle();
    return traffic.credits;
  }

  private async findInLibrary(record: SubmissionRecord): Promise<string[]> {
    const { traffic } = this.context;
    await traffic.fetchJson("recentClips").catch(() => undefined);
    await traffic.settle();
    const since = Date.parse(record.submittedAt) - LIBRARY_SKEW_MS;
    const matching = [...traffic.clips.values()].filter(
      (clip) =>
        clip.soundPrompt?.trim() === record.prompt.trim() &&
        (clip.createdAt ?? 0) >= since &&
        clip.opType !== "audio__split_stems" &&
        !clip.parentClipId,
    );
    if (matching.length === 0) return [];
    const newest = matching.reduce((a, b) => ((a.createdAt ?? 0) >= (b.createdAt ?? 0) ? a : b));
    return matching.filter((clip) => clip.opId === newest.opId).map((clip) => clip.id);
  }

  /**
   * Opens the library row of one song (found by its link, never by title alone) and returns it. The library is
   * loaded once for the songs of a job; it is loaded afresh when the song has no row there yet, or when an
   * earlier song's menu gave no file (whatever it left in flight goes with the old page).
   */
  private async libraryRow(clip: ClipState, songNumber: number): Promise<Locator> {
    const { site, page, guard, signal } = this.context;
    const row = locate(site, page, "libraryRow").filter({ has: locate(site, page, "songLink", { id: clip.id }) });
    if (!this.libraryLoaded || (await row.count().catch(() => 0)) === 0) {
      this.libraryLoaded = false;
      await abortable(page.goto(siteUrl(site, "library"), { timeout: site.timeouts.navigationMs, waitUntil: "domcontentloaded" }), signal);
      await guard.dismissOverlays();
      this.libraryLoaded = true;
    }
    await guard.waitForElement(
      { row: async () => (await row.count()) > 0 },
      { timeoutMs: site.timeouts.elementMs, step: "download", signal, locator: "songLink", songNumber },
    );
    return row.first();
  }

  private async download(clip: ClipState, index: number, format: GenerationRequest["format"], suffix = ""): Promise<string> {
    const { site, actions } = this.context;
    const songNumber = index + 1;
    const target = path.join(this.context.directory, songFileName(index, clip.title, format, suffix));
    const row = await this.libraryRow(clip, songNumber);
    const context = { step: "download", songNumber };
    const menu = await actions.openMenu(locate(site, row, "moreOptions", { title: clip.title }).first(), "moreOptions", row, context);
    const saved = await actions.downloadFromMenu(menu, format, target, context, {
      clipId: clip.id,
      otherClipIds: [...this.context.traffic.clips.keys()].filter((id) => id !== clip.id),
    });
    if (saved) return saved;
    this.libraryLoaded = false;
    await this.context.page.keyboard.press("Escape").catch(() => undefined);
    const url = format === "wav" ? clip.wavUrl : format === "m4a" ? clip.audioUrl : undefined;
    if (!url) {
      throw new TimeoutError(`No download of song ${songNumber} started within ${site.timeouts.downloadMs} ms, and the site gives no ${format.toUpperCase()} URL for it.`, {
        details: { step: "download", songNumber, clipId: clip.id },
      });
    }
    this.context.logger.info({ songNumber }, "fetching the song's own URL inside the page instead");
    return actions.fetchToFile(url, target, format, songNumber);
  }

  /** Splits each song into stems (unless the library already has them) and downloads every stem. */
  private async stems(songs: GeneratedSong[], request: GenerationRequest): Promise<GeneratedSong[]> {
    const { site, actions, traffic } = this.context;
    this.context.step.name = "stems";
    const out: GeneratedSong[] = [];
    let index = songs.reduce((most, song) => Math.max(most, song.index), -1) + 1;
    for (const song of songs) {
      const parent = song.clipId as string;
      const existing = () =>
        [...traffic.clips.values()].filter((clip) => clip.parentClipId === parent && STEM_TITLE.test(clip.title));
      await traffic.fetchJson("recentClips").catch(() => undefined);
      await traffic.settle();
      if (existing().length < 4) {
        const clip = traffic.clips.get(parent) as ClipState;
        const row = await this.libraryRow(clip, song.index + 1);
        const context = { step: "stems", songNumber: song.index + 1 };
        const menu = await actions.openMenu(locate(site, row, "moreOptions", { title: clip.title }).first(), "moreOptions", row, context);
        await actions.pick(await actions.menuItem(menu, "splitStems", context), "splitStems", context, { submenu: false });
        const found = await traffic.waitFor(() => (existing().length >= 4 ? existing() : undefined), {
          timeoutMs: site.timeouts.songStartMs,
          signal: this.context.signal,
          pollMs: 500,
          onPoll: () => traffic.fetchJson("recentClips"),
        });
        if (!found) {
          throw new SiteChangedError(`Split stems for song ${song.index + 1} started no stems within ${site.timeouts.songStartMs} ms.`, {
            details: { step: "stems", songNumber: song.index + 1, locator: "splitStems" },
          });
        }
      }
      const stems = await this.waitSettled(existing().map((clip) => clip.id), "stems");
      for (const stem of stems.filter((clip) => clip.done)) {
        const part = (STEM_TITLE.exec(stem.title)?.[1]?.toLowerCase() ?? "other") as StemPart;
        const filePath = await this.download(stem, index, request.format);
        out.push({ ...this.song(stem, index, filePath, request), stem: part, parentClipId: parent });
        index += 1;
      }
    }
    return out;
  }
}
