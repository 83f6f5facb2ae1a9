import type { ProducerConfig } from "@producer/config";
import { AccountPool, BrowserSession, sumDrift } from "@producer/session";
import { type Logger, type MusicGenerator, StepTotals } from "@producer/utils";
import { type Fleet, isFleet } from "./fleet.js";

/** What drives the site for this daemon: one account's session, or a pool of accounts, and the generator on them. */
export interface SiteDrivers {
  /** With several accounts, or in a fleet: the pool that picks, walls and reports them. */
  accounts: AccountPool | undefined;
  /** The first account's session (the only one in a single-account setup). */
  session: BrowserSession;
  generator: MusicGenerator;
  /** In a fleet, once the database is open: which accounts this daemon owns. */
  fleet?: Fleet;
}

/**
 * One account: its session drives the site. Several: one Chromium, a context per account, and a pool that picks.
 * In a fleet the pool holds even one account, since it opens only what this daemon owns, and the session check is
 * of the owned accounts (owning none, the daemon stands by).
 */
export function openSiteDrivers(config: ProducerConfig, logger: Logger): SiteDrivers {
  const fleetMode = isFleet(config);
  const accounts =
    config.accounts.length > 1 || fleetMode
      ? new AccountPool({ config, logger: logger.child({ component: "accounts" }) })
      : undefined;
  const session = accounts
    ? (accounts.sessions[0] as BrowserSession)
    : new BrowserSession({ config, logger: logger.child({ component: "session" }) });
  const drivers: SiteDrivers = { accounts, session, generator: accounts ?? session };
  if (fleetMode && accounts) {
    drivers.generator = {
      generate: (request, options) => accounts.generate(request, options),
      operate: (request, options) => accounts.operate(request, options),
      library: (query) => accounts.library(query),
      runTask: (task, options) => accounts.runTask(task, options),
      checkSession: (options) => (drivers.fleet ? drivers.fleet.checkSession(options) : accounts.checkSession(options)),
      close: () => accounts.close(),
    };
  }
  return drivers;
}

/** The browser's figures for `/readyz` and `/metrics`, summed over every account's session. */
export function browserStats({ accounts, session }: SiteDrivers) {
  const sessions = accounts?.sessions ?? [session];
  return {
    up: sessions.some((one) => one.pool.status === "ready"),
    restarts: session.pool.restarts,
    pagesInUse: sessions.reduce((sum, one) => sum + one.pool.pagesInUse, 0),
    pagesOpen: sessions.reduce((sum, one) => sum + one.pool.pagesOpen, 0),
    pageSteps: StepTotals.sum(sessions.map((one) => one.pageSteps)),
    // Sessions on one site share its recorder: each counted once.
    shapeDrift: sumDrift([...new Set(sessions.map((one) => one.shapeDrift))].map((drift) => drift.entries())),
  };
}
