import type { ProducerConfig } from "@producer/config";
import type { Logger, MusicGenerator, Storage } from "@producer/utils";

/** What `ProducerService.create` is given. */
export interface ProducerServiceOptions {
  config: ProducerConfig;
  /** What drives the site (`BrowserSession` from `@producer/session`). Without one, this service only queues
   * and reads jobs — other processes sharing the database run them. */
  generator?: MusicGenerator;
  /** Defaults to the storage the configuration names. */
  storage?: Storage;
  logger?: Logger;
  /**
   * Run jobs from the start (the default). With false, the worker waits for `startWorker()`: the database can
   * open while the browser warms up, and no job is claimed before the session was checked.
   */
  startWorker?: boolean;
  /**
   * The accounts this daemon may run jobs on, asked at every claim: a job submitted on (or pinned to) another
   * account stays queued for a daemon that runs it. The configured account names by default.
   */
  claimableAccounts?: () => readonly string[];
  /** This daemon's identity for leases; by default the id kept in `<dataDir>/instance-id` (made on first use). */
  instanceId?: string;
}
