import type { ProducerConfig } from "@producer/config";
import type { Logger, MusicGenerator, Storage } from "@producer/utils";
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
  /** An answer kept from an earlier run (a listing still fresh, say): when it gives one, nothing is sent. */
  kept?: (
    settings: Record<string, unknown>,
    deps: Omit<TaskDeps, "downloadDir">,
  ) => Record<string, unknown> | undefined;
  /**
   * Before anything is sent: the settings as the driver takes them (a track named by its site clip) and the
   * account to run on (the one asked, else the one holding the song).
   */
  prepare?: (
    settings: Record<string, unknown>,
    deps: Omit<TaskDeps, "downloadDir"> & { account?: string },
  ) => Promise<{ settings: Record<string, unknown>; account?: string | undefined }>;
  /**
   * A task made of other tasks (`library.cleanup`): runs instead of one call to the driver, with the account asked
   * (if any); its answer names the account it ran on.
   */
  run?: (
    settings: Record<string, unknown>,
    deps: Omit<TaskDeps, "downloadDir"> & { generator: MusicGenerator | undefined; account: string | undefined },
  ) => Promise<Record<string, unknown> & { account: string | null }>;
  finish?: (
    result: Record<string, unknown>,
    settings: Record<string, unknown>,
    deps: TaskDeps,
  ) => Promise<Record<string, unknown>>;
}
