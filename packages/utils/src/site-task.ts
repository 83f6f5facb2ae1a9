import type { SubmissionRecord } from "./music-generator.js";

/**
 * Something asked of the site that is not a song: write lyrics, make an image, caption a song, upload a file,
 * rename a song. `kind` names the task (`lyrics.write`, `image.create`, …); the other fields are its settings,
 * checked by the service before the task reaches the driver, which runs each kind the way the app's own
 * traffic does.
 */
export interface SiteTask {
  kind: string;
  [setting: string]: unknown;
}

export interface SiteTaskOptions {
  /** Run on this account (of several); the first this daemon runs when absent. */
  account?: string;
  signal?: AbortSignal;
  /** Where a task that fetches a file (an image) leaves it; a new folder of the downloads dir when absent. */
  downloadDir?: string;
  /** A task that may spend credits records its call before it leaves, as a generation does. */
  onSubmission?: (record: SubmissionRecord) => Promise<void>;
}

/** What a task answered, and the account it ran on. */
export interface SiteTaskAnswer {
  account: string | null;
  result: Record<string, unknown>;
}
