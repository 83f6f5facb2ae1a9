import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright";
import {
  sleep,
  InvalidInputError,
  ProducerError,
  silentLogger,
  StepTotals,
  UnavailableError,
  type GeneratedSong,
  type GenerateOptions,
  type GenerationRequest,
  type LibraryQuery,
  type LibrarySong,
  type Logger,
  type OperationRequest,
  type SiteTask,
  type SiteTaskOptions,
  type SubmissionRecord,
} from "@producer/utils";
import { unsupportedControls } from "@producer/config";
import { PageGuard } from "./blockers.js";
import type { BrowserPool } from "./browser-pool.js";
import { ChatFlow } from "./chat-flow.js";
import { noteListedModels, withListedModels } from "./listed-models.js";
import { ComposeFlow } from "./compose-flow.js";
import { loadedCredits } from "./credits-reader.js";
import { explainFailure } from "./failure-explainer.js";
import type { FlowContext } from "./flow-context.js";
import { LibraryReader } from "./library.js";
import { siteUrl } from "./locators.js";
import { PageTraffic } from "./page-traffic.js";
import type { SignInCoordinator } from "./sign-in.js";
import type { Site } from "./site.js";
import { abortable } from "./playwright-helpers.js";
import { SongActions } from "./song-actions.js";
import { StepClock } from "./step-clock.js";
import { StudioPages } from "./studio-pages.js";
import { assertOperationSupported, OperationFlow } from "./operations/operation-flow.js";
import { ConversationHolder, ToolCallEngine } from "./operations/tool-call-engine.js";
import { taskHandler } from "./tasks/index.js";
import { actionPause, type SubmissionPacer } from "./submission-pacer.js";

export interface SiteDriverOptions {
  site: Site;
  pool: BrowserPool;
  pacer: SubmissionPacer;
  downloadsDir: string;
  artifactsDir: string;
  /** How long a page that loaded the studio may take jobs without loading it again (0: never). */
  studioReuseMs?: number;
  /** Present when credentials are configured: signs in again when the session has expired. */
  signIn?: SignInCoordinator;
  logger?: Logger;
}

/** What opening the site showed, for session checks. */
export interface StudioStatus {
  credits: number | undefined;
}

/**
 * Drives one generation on the site through its profile: picks the flow the profile names (the 2026 compose
 * app, or the 2025 chat page), records the submission before sending it, resumes an earlier submission instead
 * of sending again, and on any failure saves a screenshot and the page HTML and puts their paths on the error.
 */
export class SiteDriver {
  private readonly site: Site;
  private readonly logger: Logger;
  private readonly studioPages: StudioPages;
  /** The account's conversation that song operations' tool calls are sent in (one, as the app's clients keep). */
  private readonly conversation = new ConversationHolder();
  /** Each page step's time (open, compose, submit, …) over the generations that finished. */
  readonly pageSteps = new StepTotals();

  constructor(private readonly options: SiteDriverOptions) {
    this.site = options.site;
    this.logger = options.logger ?? silentLogger;
    this.studioPages = new StudioPages(options.site, options.studioReuseMs ?? 0);
  }

  async generate(request: GenerationRequest, options: GenerateOptions = {}): Promise<GeneratedSong[]> {
    // A model the site listed (`producer models`) may be asked for though the profile does not know it.
    const unsupported = unsupportedControls(withListedModels(this.site), request);
    if (unsupported.length > 0) {
      throw new InvalidInputError(
        `The ${this.site.profile} profile's site has no ${unsupported.map((field) => field.path).join(", ")} control; nothing was submitted.`,
        unsupported,
      );
    }
    return this.onPage(options, (context) => {
      const flow =
        this.site.flow === "compose-2026" ? new ComposeFlow(context, this.conversation) : new ChatFlow(context);
      return options.resume ? flow.resume(options.resume, request) : flow.run(request);
    });
  }

  /**
   * Runs one song operation (extend, cover, stems, …) through tool calls sent from inside a warm page, with the
   * same promises as `generate`. A profile without tool calls (the 2025 page) refuses it before anything is sent.
   */
  async operate(request: OperationRequest, options: GenerateOptions = {}): Promise<GeneratedSong[]> {
    assertOperationSupported(this.site, request.operation.kind);
    return this.onPage(options, (context) =>
      new OperationFlow(context, this.conversation).run(request, options.resume),
    );
  }

  /** One page of the account's library, from the page's own listing call; spends nothing. */
  async library(query: LibraryQuery): Promise<LibrarySong[]> {
    const { signal } = query;
    return this.onPage({ ...(signal ? { signal } : {}), downloadDir: this.options.downloadsDir }, async (context) => {
      context.step.name = "open";
      await context.openStudio();
      await context.traffic.prepare();
      context.step.name = "library";
      return new LibraryReader(context).page(query.limit, query.offset);
    });
  }

  /** Runs one task that is not a song (lyrics, an image, an upload, …; see `SITE_TASK_HANDLERS`) in a warm page. */
  async runTask(task: SiteTask, options: SiteTaskOptions = {}): Promise<Record<string, unknown>> {
    const handler = taskHandler(this.site, task.kind);
    const pageOptions = { ...options, downloadDir: options.downloadDir ?? this.options.downloadsDir };
    return this.onPage(pageOptions, async (context) => {
      await context.openStudio();
      await context.traffic.prepare();
      context.step.name = "task";
      const result = await handler(task, { context, engine: new ToolCallEngine(context, this.conversation) });
      if (task.kind === "models.list") noteListedModels(this.site, result);
      return result;
    });
  }

  /** Lends a page for one job, gives the work its flow context, and explains and cleans up whatever happens. */
  private async onPage<Result>(
    options: GenerateOptions,
    work: (context: FlowContext) => Promise<Result>,
  ): Promise<Result> {
    const { signal } = options;
    const pooled = await this.options.pool.acquire(signal);
    const traffic = new PageTraffic(pooled.page, this.site, this.logger);
    const step = new StepClock("open");
    let broken = false;
    let record: SubmissionRecord | undefined = options.resume;
    let endedWell = false;
    try {
      const directory = options.downloadDir ?? path.join(this.options.downloadsDir, randomUUID());
      fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
      const context = this.context(pooled.page, traffic, directory, step, options, (next) => {
        record = next;
      });
      const result = await work(context);
      const timings = step.timings();
      // A listing or a task is no generation: its steps would skew the generations' timings.
      if (step.name !== "library" && step.name !== "task") this.pageSteps.addAll(timings);
      this.logger.debug({ steps: timings }, "page steps");
      endedWell = true;
      return result;
    } catch (error) {
      // This attempt recorded a send but the page never sent the generation request: nothing reached the site.
      // Not so when Chromium died: the request may have left in its last moments, unseen here; the retry then
      // looks for its songs (and its price in the balance) before anything is sent again.
      const pageLived = this.options.pool.isAlive(pooled);
      if (
        !options.resume &&
        pageLived &&
        record?.state === "sending" &&
        this.site.flow === "compose-2026" &&
        traffic.calls.length === 0
      ) {
        record = { ...record, state: "refused", refusal: "the request never left the page" };
        await options.onSubmission?.(record).catch(() => undefined);
      }
      const explained = await explainFailure(
        error,
        { ...this.options, site: this.site, logger: this.logger },
        {
          pooled,
          step: step.name,
          signal,
          record,
        },
      );
      // Out of credits leaves the page on the site with nothing half done: it stays open, so the pause can read
      // the balance through it instead of loading the site again.
      broken = !(pageLived && explained.code === "QUOTA_EXHAUSTED");
      throw explained;
    } finally {
      this.studioPages.ended(pooled.page, endedWell);
      traffic.detach();
      // Saved after every job, whatever its end: the page may have renewed the login (a rotated refresh token).
      if (this.options.pool.isAlive(pooled)) await this.options.pool.saveState().catch(() => undefined);
      await this.options.pool.release(pooled, { broken });
    }
  }

  /** Opens the studio and says what the page shows; signs in again when it can. Spends nothing. */
  async openStudio(page: Page, signal?: AbortSignal): Promise<StudioStatus> {
    const traffic = new PageTraffic(page, this.site, this.logger);
    try {
      await this.ensureSignedIn(page, signal);
      if (this.site.api.credits) {
        await loadedCredits(traffic, this.site, signal);
        await traffic.settle();
      }
      return { credits: traffic.credits };
    } finally {
      traffic.detach();
    }
  }

  /**
   * The balance read through a page already on the site, by the page's own credits call (its token, from inside
   * it): loads nothing. `signedOut` when the site refused the token; undefined when the page is elsewhere or the
   * call said nothing usable.
   */
  async readBalance(page: Page): Promise<{ credits: number } | { signedOut: true } | undefined> {
    if (!this.site.api.credits || !page.url().startsWith(this.site.baseUrl)) return undefined;
    const traffic = new PageTraffic(page, this.site, this.logger);
    try {
      const answer = await traffic.fetchJson("credits").catch(() => undefined);
      if (answer?.status === 401 || answer?.status === 403) return { signedOut: true };
      return answer?.status === 200 && traffic.credits !== undefined ? { credits: traffic.credits } : undefined;
    } finally {
      traffic.detach();
    }
  }

  private async ensureSignedIn(page: Page, signal: AbortSignal | undefined, signIn = true): Promise<void> {
    const { timeouts } = this.site;
    const guard = new PageGuard(this.site, page, this.logger);
    const url = siteUrl(this.site, "studio");
    const response = await this.navigate(page, url, signal);
    this.studioPages.loaded(page);
    const status = response?.status() ?? 200;
    if (status >= 500 && !(await guard.exists("challenge"))) {
      throw new UnavailableError(`ProducerAI answered HTTP ${status} for ${this.site.paths.studio}.`, {
        details: { httpStatus: status },
      });
    }
    const studioKey = this.site.flow === "compose-2026" ? "composeToggle" : "promptInput";
    const screen = await guard
      .waitForElement(
        {
          challenge: () => guard.exists("challenge"),
          loginWall: () => guard.onLoginWall(),
          studio: async () => (await guard.exists(studioKey)) || (await guard.exists("chatInput")),
        },
        { timeoutMs: timeouts.elementMs, step: "open", ...(signal ? { signal } : {}), locator: studioKey },
      )
      .catch((error: unknown) => {
        // waitForElement turns blockers into errors; here they are answers.
        if (ProducerError.isInstance(error) && error.code === "SESSION_EXPIRED") return "loginWall" as const;
        throw error;
      });
    if (screen === "studio") return;
    if (screen === "challenge") throw guard.blockedError("challenge");
    if (!this.options.signIn || !signIn) throw guard.blockedError("loginWall");
    await this.options.signIn.signIn(page, signal);
    await this.ensureSignedIn(page, signal, false);
  }

  /** `goto`, tried once more when the navigation was aborted (a late download or redirect on a reused page). */
  private async navigate(page: Page, url: string, signal: AbortSignal | undefined) {
    const options = { timeout: this.site.timeouts.navigationMs, waitUntil: "domcontentloaded" as const };
    try {
      return await abortable(page.goto(url, options), signal);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes("net::ERR_ABORTED")) throw error;
      this.logger.debug({ url }, "navigation aborted; trying once more");
      return await abortable(page.goto(url, options), signal);
    }
  }

  private context(
    page: Page,
    traffic: PageTraffic,
    directory: string,
    step: StepClock,
    options: GenerateOptions,
    remember: (record: SubmissionRecord) => void,
  ): FlowContext {
    const { signal } = options;
    const { pacing } = this.site;
    const guard = new PageGuard(this.site, page, this.logger);
    return {
      site: withListedModels(this.site),
      page,
      guard,
      actions: new SongActions(this.site, page, guard, signal, this.logger),
      traffic,
      logger: this.logger,
      signal,
      directory,
      step,
      openStudio: async () => {
        if (!(await this.studioPages.reuse(page, guard, traffic))) await this.ensureSignedIn(page, signal);
        await guard.dismissOverlays();
      },
      sleep: (ms) => sleep(ms, signal),
      pause: () => actionPause({ minMs: pacing.actionDelayMinMs, maxMs: pacing.actionDelayMaxMs }, signal),
      waitTurn: () => this.options.pacer.waitTurn(signal),
      progress: (progress) => options.onProgress?.(progress),
      record: async (record) => {
        remember({ ...record });
        await options.onSubmission?.({ ...record });
      },
    };
  }
}
