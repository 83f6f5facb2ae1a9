import type { ProducerConfig } from "@producer/config";
import type { Logger, Storage } from "@producer/utils";
import type { z } from "zod";
import type { TrackStore } from "../store/track-store.js";

/** What a task's finishing step may use: the storage and tracks of this service, and a folder the driver filled. */
export interface TaskDeps {
  config: ProducerConfig;
  storage: Storage;
  tracks: TrackStore;
  logger: Logger;
  /** Where the driver left any file the task fetched (removed after the task). */
  downloadDir: string;
}

/**
 * One kind of task as the service knows it: its settings, checked before anything is sent (unknown fields
 * refused), and an optional step after the site answered — an image stored, say — whose answer replaces the
 * driver's.
 */
export interface SiteTaskSpec {
  schema: z.ZodType<Record<string, unknown>>;
  finish?: (
    result: Record<string, unknown>,
    settings: Record<string, unknown>,
    deps: TaskDeps,
  ) => Promise<Record<string, unknown>>;
}
