import { randomBytes } from "node:crypto";
import {
  GenerationMayExistError,
  QuotaExhaustedError,
  type GeneratedSong,
  type GenerationRequest,
  type SubmissionRecord,
} from "@producer/utils";
import { ComposeControls } from "./compose-controls.js";
import { freshCredits, loadedCredits } from "./credits-reader.js";
import type { FlowContext } from "./flow-context.js";
import { songOf } from "./generated-song.js";
import { type MadeBy, songsFromStream } from "./generation-stream.js";
import { LibraryReader } from "./library.js";
import { locate } from "./locators.js";
import type { ClipState } from "./site-answers.js";
import { SongFiles } from "./song-files.js";
import { SongsWaiter } from "./songs-waiter.js";
import { StemSplitter } from "./stem-splitter.js";
import { createSongCall } from "./operations/create-song-call.js";
import { referenceChat } from "./operations/reference-chat.js";
import { ConversationHolder, ToolCallEngine } from "./operations/tool-call-engine.js";
import { Submitter } from "./submitter.js";

/**
 * The title a generation is submitted with: the user's, or a marker made from the prompt that lets the
 * library find this submission's songs when the page's stream named none (never the prompt, which the site
 * rewrites).
 */
function submissionTitle(request: GenerationRequest): string {
  if (request.title?.trim()) return request.title.trim();
  const words = request.prompt
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 40)
    .replace(/\s\S*$/, "");
  return `${words || "Song"} · ${randomBytes(3).toString("hex")}`;
}

/** Which tool-returns name the songs: the create-song tool's, or a reference chat's, less the reference itself. */
const madeBy = (request: GenerationRequest, createSong: string): MadeBy =>
  request.referenceClipId ? { except: [request.referenceClipId] } : createSong;

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
  private readonly submitter: Submitter;
  private readonly engine: ToolCallEngine;

  constructor(
    private readonly context: FlowContext,
    conversation = new ConversationHolder(),
  ) {
    this.library = new LibraryReader(context);
    this.files = new SongFiles(context, this.library);
    this.waiter = new SongsWaiter(context);
    this.submitter = new Submitter(context);
    this.engine = new ToolCallEngine(context, conversation);
  }

  async run(request: GenerationRequest): Promise<GeneratedSong[]> {
    const { site } = this.context;
    // A reference song is a chat about the clip, sent from inside the page: no panel, no chat box.
    const reference = request.referenceClipId
      ? referenceChat(site, { ...request, referenceClipId: request.referenceClipId })
      : undefined;
    const mode = reference ? "chat" : (request.mode ?? (site.modes[0] as "compose" | "chat"));
    this.context.step.name = "open";
    await this.context.openStudio();
    await this.context.traffic.prepare();
    this.context.step.name = "credits";
    const creditsBefore = await loadedCredits(this.context.traffic, site, this.context.signal);
    const price = site.creditsPerSong * site.songsPerGeneration;
    if (creditsBefore !== undefined && creditsBefore < price) {
      throw new QuotaExhaustedError(
        `The account has ${creditsBefore} credits; one generation costs about ${price}. Nothing was submitted.`,
        { details: { credits: creditsBefore, price } },
      );
    }
    this.context.step.name = "compose";
    const title = mode === "compose" ? submissionTitle(request) : undefined;
    // `api`: the panel's own tool call, sent from inside the page; the panel is left as it is.
    const byApi = mode === "compose" && site.submit === "api";
    if (byApi || reference) {
      // Nothing to set: the call carries every control.
    } else if (mode === "compose") await new ComposeControls(this.context).set(request, title as string);
    else
      await this.context.actions.fill(
        locate(site, this.context.page, "chatInput").first(),
        "chatInput",
        request.prompt,
        { step: "compose" },
      );

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
    const send = async () => {
      if (reference) {
        await this.engine.chat(reference.message, record, reference.clientContext, reference.extra);
        return;
      }
      if (!byApi) return this.submitter.submit(record, submitKey);
      const { args, clientContext } = createSongCall(site, request, title as string);
      await this.engine.send(site.tools.createSong, args, record, clientContext);
    };
    await send();
    await this.noteConversation(record);
    this.context.progress({ stage: "submitted" });
    return this.follow(record, request, send);
  }

  /** The conversation the page made for this press (Generate opens one per page): kept on the record as producer's own. */
  private async noteConversation(record: SubmissionRecord): Promise<void> {
    const made = this.context.traffic.conversationsMade.at(-1);
    if (!made || record.conversationMade) return;
    record.conversationMade = made;
    await this.context.record(record);
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
      const named = await songsFromStream(
        this.context,
        record.siteJobId,
        Math.min(this.context.site.timeouts.songStartMs, 10_000),
        madeBy(request, this.context.site.tools.createSong),
      );
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
      if (clipIds.length === 0 && (await freshCredits(this.context.traffic)) === record.creditsBefore) {
        this.context.logger.warn(
          { submittedAt: record.submittedAt },
          "the earlier press never reached the site (no song, balance unchanged); submitting it now, once",
        );
        await this.context.record({
          ...record,
          state: "refused",
          refusal: "never reached the site: no song, and the balance unchanged",
        });
        return this.run(request);
      }
    }
    if (clipIds.length === 0) {
      throw new GenerationMayExistError(
        `The prompt was submitted at ${record.submittedAt}, but the site shows no song of it; it was not submitted again. Look in the library before asking again.`,
        {
          details: {
            step: "resume",
            submittedAt: record.submittedAt,
            siteJobId: record.siteJobId ?? null,
            state: record.state,
          },
        },
      );
    }
    this.context.logger.info({ clipIds }, "found the songs of the earlier submission");
    const found: SubmissionRecord = { ...record, state: "accepted", clipIds };
    await this.context.record(found);
    return this.collect(found, request, clipIds);
  }

  /** Follows the accepted submission to its songs: Generate once more if none starts, then the library. */
  private async follow(
    record: SubmissionRecord,
    request: GenerationRequest,
    send: () => Promise<void>,
  ): Promise<GeneratedSong[]> {
    const { site } = this.context;
    this.context.step.name = "generation";
    const made = madeBy(request, site.tools.createSong);
    let named = await songsFromStream(this.context, record.siteJobId as string, site.timeouts.songStartMs, made);
    let clipIds = named?.clipIds ?? [];
    if (clipIds.length === 0) {
      clipIds = await this.library.songsOf(record);
      // A chat about a reference is never sent twice: its agent may still be at work.
      if (clipIds.length === 0 && !record.pressedAgain && !request.referenceClipId) {
        this.context.logger.warn(
          { afterMs: site.timeouts.songStartMs },
          "no song started; pressing Generate once more",
        );
        record.pressedAgain = true;
        const firstJobId = record.siteJobId;
        await send();
        named = await songsFromStream(this.context, record.siteJobId as string, site.timeouts.songStartMs);
        clipIds = named?.clipIds ?? (await this.library.songsOf(record));
        if (clipIds.length === 0 && firstJobId) record.siteJobId = firstJobId;
      }
    }
    if (clipIds.length === 0) {
      throw new GenerationMayExistError(
        `The site took the prompt (job ${record.siteJobId}) but no song started${record.pressedAgain ? ", even after pressing Generate once more" : ""}, and the library shows none.`,
        {
          details: {
            step: "generation",
            submittedAt: record.submittedAt,
            siteJobId: record.siteJobId ?? null,
            pressedAgain: record.pressedAgain === true,
          },
        },
      );
    }
    if (named?.operationId) record.opIds = [named.operationId];
    record.clipIds = clipIds;
    const expectedAt = named?.estimatedSecs === undefined ? undefined : Date.now() + named.estimatedSecs * 1000;
    await this.context.record(record);
    this.context.progress({ stage: "generating" });
    return this.collect(record, request, clipIds, expectedAt);
  }

  /** Waits for every song to settle, then downloads each (and its stems). */
  private async collect(
    record: SubmissionRecord,
    request: GenerationRequest,
    clipIds: string[],
    expectedAt?: number,
  ): Promise<GeneratedSong[]> {
    this.context.step.name = "generation";
    const clips = await this.waiter.settled(clipIds, "generation", record.opIds ?? [], expectedAt);
    const creditsAfter = await freshCredits(this.context.traffic);
    if (creditsAfter !== undefined) await this.context.record({ ...record, creditsAfter });
    const charged =
      record.creditsBefore !== undefined && creditsAfter !== undefined
        ? Math.max(0, record.creditsBefore - creditsAfter)
        : undefined;
    const playable = clips.filter((clip) => clip.done);
    if (playable.length === 0) {
      throw await this.waiter.failure(clips, record.opIds ?? [], "generation");
    }
    this.context.step.name = "download";
    for (const clip of clips.filter((candidate) => !candidate.done)) {
      this.context.logger.warn(
        { songNumber: clips.indexOf(clip) + 1, clipId: clip.id },
        "song came back without audio",
      );
    }
    const songs = await this.downloadAll(clips, request, charged === undefined ? undefined : charged / playable.length);
    if (request.stems) {
      songs.push(
        ...(await new StemSplitter(this.context, this.library, this.waiter, this.files).split(songs, request)),
      );
    }
    this.context.progress({ stage: "done", songCount: songs.length });
    return songs;
  }

  /** Downloads every playable song at once (links and the endpoint don't share a page's state), in order. */
  private async downloadAll(
    clips: ClipState[],
    request: GenerationRequest,
    creditsEach: number | undefined,
  ): Promise<GeneratedSong[]> {
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
