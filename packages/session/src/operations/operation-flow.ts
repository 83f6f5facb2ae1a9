import {
  GenerationMayExistError,
  InvalidInputError,
  NotFoundError,
  QuotaExhaustedError,
  SiteChangedError,
  type GeneratedSong,
  type OperationRequest,
  type SongOperationKind,
  type SubmissionRecord,
} from "@producer/utils";
import { freshCredits, loadedCredits } from "../credits-reader.js";
import type { FlowContext } from "../flow-context.js";
import { songOf } from "../generated-song.js";
import { songsFromStream } from "../generation-stream.js";
import { LibraryReader } from "../library.js";
import type { ClipState, ToolReturn } from "../site-answers.js";
import type { Site } from "../site.js";
import { SongFiles } from "../song-files.js";
import { SongsWaiter } from "../songs-waiter.js";
import { stemPartOf } from "../stem-splitter.js";
import { convertSong } from "./convert.js";
import { coverPlan } from "./cover.js";
import { extendPlan } from "./extend.js";
import type { OperationPlan, PlanInput } from "./operation-plan.js";
import { replacePlan } from "./replace.js";
import { speedPlan } from "./speed.js";
import { stemsPlan } from "./stems.js";
import { ToolCallEngine, type ConversationHolder } from "./tool-call-engine.js";
import { trimPlan } from "./trim.js";

/** How long a resume with no ids looks in the library for what its operation made. */
const LIBRARY_WAIT_MS = 15_000;
const EDITS: readonly SongOperationKind[] = ["extend", "replace", "cover"];
const EFFECTS: readonly SongOperationKind[] = ["trim", "speed"];

/** The profile keys an operation cannot be sent without. */
function neededKeys(kind: SongOperationKind): string[] {
  if (kind === "convert") return ["api.clips", "api.download"];
  if (kind === "import") return ["api.clips"];
  const keys = ["api.compose", "api.conversationCreate", "api.stream", "api.clips", "toolCalls"];
  if (EDITS.includes(kind)) keys.push("api.recipes", "tools.renderEdit");
  if (EFFECTS.includes(kind)) keys.push("tools.applyEffect");
  return keys;
}

function hasKey(site: Site, key: string): boolean {
  const [section, name] = key.split(".") as [string, string | undefined];
  const value = (site as unknown as Record<string, unknown>)[section];
  if (name === undefined) return value !== undefined;
  return typeof (value as Record<string, unknown> | undefined)?.[name] === "string";
}

/** Refuses, before anything is sent, an operation the profile's site has no way to send (the 2025 page has none). */
export function assertOperationSupported(site: Site, kind: SongOperationKind): void {
  const missing = neededKeys(kind).filter((key) => !hasKey(site, key));
  if (missing.length === 0) return;
  throw new InvalidInputError(
    `The ${site.profile} profile's site has no way to ${kind} a song (it names no ${missing.join(", ")}); nothing was sent.`,
    missing.map((key) => ({ path: `site.${key}`, message: `needed to ${kind} a song` })),
    { details: { operation: kind, profile: site.profile } },
  );
}

/** The plan of what to send for one operation (convert sends nothing). */
function planOf(request: OperationRequest, input: PlanInput): OperationPlan {
  const { operation } = request;
  switch (operation.kind) {
    case "extend":
      return extendPlan(operation, input);
    case "replace":
      return replacePlan(operation, input);
    case "cover":
      return coverPlan(operation, input);
    case "stems":
      return stemsPlan(input);
    case "trim":
      return trimPlan(operation, input);
    case "speed":
      return speedPlan(operation, input);
    case "convert":
    case "import":
      throw new Error(`${operation.kind} sends no tool call`);
  }
}

/**
 * One song operation on the 2026 app, sent the way the app's own code sends it: from inside the warm page,
 * a recipe when the operation is an edit, then one tool call (the paid one, recorded before it leaves), its
 * tool-return read from the job's stream for the new clips' ids (recorded at once), the clips awaited as songs
 * are, and each file fetched and checked as a song's is. A resumed operation never sends: it finds its clips by
 * the recorded ids, or by its job's stream (which replays from its start).
 */
export class OperationFlow {
  private readonly library: LibraryReader;
  private readonly files: SongFiles;
  private readonly waiter: SongsWaiter;
  private readonly engine: ToolCallEngine;

  constructor(
    private readonly context: FlowContext,
    conversation: ConversationHolder,
  ) {
    this.library = new LibraryReader(context);
    this.files = new SongFiles(context, this.library);
    this.waiter = new SongsWaiter(context);
    this.engine = new ToolCallEngine(context, conversation);
  }

  async run(request: OperationRequest, resume?: SubmissionRecord): Promise<GeneratedSong[]> {
    const { site, traffic } = this.context;
    this.context.step.name = "open";
    await this.context.openStudio();
    await traffic.prepare();
    const kind = request.operation.kind;
    const title = request.title?.trim() || `${request.source.title?.trim() || request.source.clipId} (${kind})`;
    if (kind === "convert" || kind === "import") {
      this.context.step.name = "download";
      return convertSong(this.context, this.files, await this.source(request), request.format);
    }
    const plan = planOf(request, {
      nodes: site.toolCalls?.nodes as PlanInput["nodes"],
      clipId: request.source.clipId,
      title,
    });
    const toolName = site.tools[plan.tool] as string;
    if (resume) return this.resume(resume, request, toolName);

    // A song this account's library does not hold cannot be acted on here: said before anything is sent.
    this.context.step.name = "source";
    await this.source(request);
    this.context.step.name = "credits";
    const creditsBefore = await loadedCredits(traffic, site, this.context.signal);
    // An edit costs about a song; what stems and effects cost no source says for sure, so only edits are held back.
    if (plan.tool === "renderEdit" && creditsBefore !== undefined && creditsBefore < site.creditsPerSong) {
      throw new QuotaExhaustedError(
        `The account has ${creditsBefore} credits; an edit costs about ${site.creditsPerSong}. Nothing was sent.`,
        { details: { credits: creditsBefore, price: site.creditsPerSong } },
      );
    }
    const record: SubmissionRecord = {
      state: "sending",
      submittedAt: new Date().toISOString(),
      prompt: describe(request),
      title,
      ...(creditsBefore !== undefined ? { creditsBefore } : {}),
    };
    this.context.step.name = "submit";
    let recipeId: string | undefined;
    if (plan.recipe) recipeId = await this.recipe(plan.recipe, record);
    await this.context.waitTurn();
    const jobId = await this.engine.send(toolName, plan.args(recipeId), record);
    this.context.progress({ stage: "submitted" });

    this.context.step.name = "generation";
    const named = await this.engine.toolReturn(jobId, toolName, record);
    if (named.operationId) record.opIds = [named.operationId];
    record.clipIds = named.clipIds;
    await this.context.record(record);
    this.context.progress({ stage: "generating" });
    const expectedAt = named.estimatedSecs === undefined ? undefined : Date.now() + named.estimatedSecs * 1000;
    return this.collect(record, request, named, expectedAt);
  }

  /** The source clip as the account's library describes it; NOT_FOUND when the account has no such clip. */
  private async source(request: OperationRequest): Promise<ClipState> {
    const { traffic } = this.context;
    const { clipId } = request.source;
    await traffic.fetchJson("clips", { method: "POST", body: { clip_ids: [clipId] } }).catch(() => undefined);
    const clip = traffic.clips.get(clipId);
    if (!clip?.done) {
      throw new NotFoundError(
        clip
          ? `The song ${clipId} has no finished audio on the site; nothing was sent.`
          : `This account's library has no song ${clipId}; nothing was sent.`,
        { details: { step: "source", clipId } },
      );
    }
    return clip;
  }

  /** Makes the edit's recipe; a refused one is recorded as such (nothing was made or spent) and ends the job. */
  private async recipe(body: Record<string, unknown>, record: SubmissionRecord): Promise<string> {
    try {
      const json = await this.engine.prepare("recipes", body, ["toolCalls.nodes"]);
      const id = typeof json.recipe_id === "string" ? json.recipe_id : undefined;
      if (id) return id;
      throw new SiteChangedError("The site's answer to a new recipe named no recipe_id; nothing was spent.", {
        details: { step: "submit", profileKeys: ["api.recipes"], answerKeys: Object.keys(json) },
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await this.context.record({ ...record, state: "refused", refusal: `the recipe was refused: ${reason}` });
      throw error;
    }
  }

  /** Finds an earlier attempt's clips (recorded ids, its job's stream, its operation's status); never sends. */
  private async resume(
    record: SubmissionRecord,
    request: OperationRequest,
    toolName: string,
  ): Promise<GeneratedSong[]> {
    const { traffic, site } = this.context;
    this.context.step.name = "resume";
    let named: ToolReturn | undefined;
    const recorded = record.clipIds ?? [];
    if (record.siteJobId && (recorded.length === 0 || request.operation.kind === "stems")) {
      // The stream replays from its start; it also says which stem each clip is.
      named = await songsFromStream(
        this.context,
        record.siteJobId,
        Math.min(site.timeouts.songStartMs, 10_000),
        toolName,
      );
    }
    let clipIds = recorded.length > 0 ? recorded : (named?.clipIds ?? []);
    if (clipIds.length === 0) {
      for (const opId of record.opIds ?? []) {
        await traffic.fetchJson("status", { suffix: encodeURIComponent(opId) }).catch(() => undefined);
        clipIds = [...clipIds, ...(traffic.operations.get(opId)?.clipIds ?? [])];
      }
    }
    if (clipIds.length === 0) {
      // The answer to the call was lost (or the page died): what it made shows in the library, from its source.
      clipIds = await this.library.madeFrom(
        request.source.clipId,
        record,
        request.operation.kind === "stems",
        Math.min(site.timeouts.songStartMs, LIBRARY_WAIT_MS),
      );
    }
    if (clipIds.length === 0) {
      throw new GenerationMayExistError(
        `The ${request.operation.kind} was sent at ${record.submittedAt}, but the site names no clip of it; it was not sent again.`,
        { details: { step: "resume", submittedAt: record.submittedAt, siteJobId: record.siteJobId ?? null } },
      );
    }
    const found: SubmissionRecord = {
      ...record,
      state: "accepted",
      clipIds,
      ...(named?.operationId && !record.opIds?.length ? { opIds: [named.operationId] } : {}),
    };
    await this.context.record(found);
    const stems = named?.stems ?? [];
    return this.collect(found, request, { clipIds, stems });
  }

  /** Waits for the new clips to settle, then downloads each; stems are linked to the source. */
  private async collect(
    record: SubmissionRecord,
    request: OperationRequest,
    named: Pick<ToolReturn, "clipIds" | "stems">,
    expectedAt?: number,
  ): Promise<GeneratedSong[]> {
    this.context.step.name = "generation";
    const clips = await this.waiter.settled(named.clipIds, "generation", record.opIds ?? [], expectedAt);
    const playable = clips.filter((clip) => clip.done);
    if (playable.length === 0) throw await this.waiter.failure(clips, record.opIds ?? [], "generation");
    const creditsAfter = await freshCredits(this.context.traffic);
    if (creditsAfter !== undefined) await this.context.record({ ...record, creditsAfter });
    const charged =
      record.creditsBefore !== undefined && creditsAfter !== undefined
        ? Math.max(0, record.creditsBefore - creditsAfter) / playable.length
        : undefined;
    this.context.step.name = "download";
    const songs: GeneratedSong[] = [];
    for (const [index, clip] of clips.entries()) {
      if (!clip.done) {
        this.context.logger.warn({ clipId: clip.id }, "a clip of the operation came back without audio");
        continue;
      }
      this.context.progress({ stage: "downloading", songNumber: index + 1, songCount: clips.length });
      const filePath = await this.files.download(clip, index, request.format);
      const song = songOf(
        clip,
        index,
        filePath,
        { prompt: record.prompt, format: request.format, ...(record.title ? { title: record.title } : {}) },
        charged,
      );
      if (request.operation.kind === "stems") {
        song.stem = stemPartOf(clip, named.stems.find((stem) => stem.clipId === clip.id)?.stemType);
        song.parentClipId = request.source.clipId;
      }
      songs.push(song);
    }
    this.context.progress({ stage: "done", songCount: songs.length });
    return songs;
  }
}

/** What the record keeps as the submission's "prompt": the operation and its source, to recognise it by. */
function describe(request: OperationRequest): string {
  const { operation, source } = request;
  const instruction = "prompt" in operation && operation.prompt ? `: ${operation.prompt}` : "";
  return `${operation.kind} ${source.clipId}${instruction}`;
}
