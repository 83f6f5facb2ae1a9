import type { ProducerConfig } from "@producer/config";
import type { ProducerService } from "@producer/core";
import type { AccountReport, Logger, SessionStatus, Storage } from "@producer/utils";
import type { BrowserStats } from "./metrics.js";

export interface AppDeps {
  config: ProducerConfig;
  service: ProducerService;
  /** Whether the ProducerAI session works (the browser session); absent for a daemon without a browser. */
  checkSession?: (options?: { force?: boolean }) => Promise<SessionStatus>;
  browserStats?: () => BrowserStats;
  /** The accounts the daemon generates with: listed, paused, resumed and freed from walls over HTTP. */
  accounts?: AccountsControl;
  storage?: Storage;
  logger?: Logger;
  version?: string;
  /** The token TCP requests must carry: the configured one, or the one made at first start (`daemon-token`). */
  tcpToken?: string;
  /** Whether a failure artifact still holds a secret of a signed-in session: such a file is never served. */
  artifactHoldsSecret?: (file: string) => Promise<boolean>;
  /** The TCP port the daemon listens on, once it does: for sign-in links. */
  tcpPort?: () => number | undefined;
}

export interface AccountsControl {
  list(): Promise<AccountReport[]>;
  pause(name: string): AccountReport;
  resume(name: string): AccountReport;
  unwall(name: string): AccountReport;
}

/** What the app's middleware gives every route: the request's id, and a logger that names it. */
export type AppEnv = { Variables: { requestId: string; logger: Logger } };
