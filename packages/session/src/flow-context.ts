import type { Page } from "playwright";
import type { GenerationProgress, Logger, SubmissionRecord } from "@producer/utils";
import type { PageGuard } from "./blockers.js";
import type { PageTraffic } from "./page-traffic.js";
import type { SongActions } from "./song-actions.js";
import type { Site } from "./site.js";

/** What one run of a site flow works with: the page, what watches it, and the job's hooks. */
export interface FlowContext {
  site: Site;
  page: Page;
  guard: PageGuard;
  actions: SongActions;
  traffic: PageTraffic;
  logger: Logger;
  signal: AbortSignal | undefined;
  /** The job's folder for the downloaded files. */
  directory: string;
  /** Opens the page where songs are made, signing in again when it can; blockers end it with their error. */
  openStudio(): Promise<void>;
  /** A short human-like pause between page actions. */
  pause(): Promise<void>;
  /** Waits `ms`, ended early by the job's signal. */
  sleep(ms: number): Promise<void>;
  /** Waits for this account's turn to submit (gaps between submissions). */
  waitTurn(): Promise<void>;
  progress(progress: GenerationProgress): void;
  /** Records the submission (awaited: the prompt is sent only once it is kept). */
  record(record: SubmissionRecord): Promise<void>;
  /** The step being worked on, for errors and artifacts. */
  step: { name: string };
}
