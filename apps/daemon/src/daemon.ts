import fs from "node:fs";
import { ensureDataDirs, type ProducerConfig } from "@producer/config";
import type { ProducerService } from "@producer/core";
import { type AccountPool, artifactHoldsSecret, type BrowserSession } from "@producer/session";
import { ConflictError, NotFoundError, type AccountReport, type Logger, type MusicGenerator } from "@producer/utils";
import { removeDaemonEndpoint, writeDaemonEndpoint } from "./daemon-endpoint.js";
import { daemonToken } from "./daemon-token.js";
import { checkSharedStorage } from "./shared-storage.js";
import { checkFleetConfig, Fleet, isFleet } from "./fleet.js";
import { browserStats, openSiteDrivers } from "./site-drivers.js";
import type { AccountsControl, AppEnv } from "./http/app-deps.js";
import type { Hono } from "hono";
import { closeServer, listenOnSocket, listenOnTcp, type HttpServer } from "./listen.js";

export interface RunningDaemon {
  socketPath: string;
  /** The TCP port, when one is open. */
  port: number | undefined;
  service: ProducerService;
  /** The first account's session (the only one in a single-account setup). */
  session: BrowserSession;
  /** With several accounts: the pool that picks, walls and reports them. */
  accounts: AccountPool | undefined;
  /** Stop accepting, let running jobs finish within the grace period (the rest stay queued), close Chromium, remove the socket. */
  close(): Promise<void>;
}

/**
 * Starts the daemon: Chromium launched and the session checked (warm) while the service's code loads and its
 * database opens, then the listeners. Only then is it ready.
 */
export async function startDaemon(config: ProducerConfig, logger: Logger): Promise<RunningDaemon> {
  checkSharedStorage(config);
  ensureDataDirs(config);
  checkFleetConfig(config);
  const fleetMode = isFleet(config);
  const drivers = openSiteDrivers(config, logger);
  const { accounts, session, generator } = drivers;
  const servers: HttpServer[] = [];
  let service: ProducerService | undefined;
  const started = Date.now();
  // A fleet daemon opens an account only once it owns it: its warm-up waits for the database.
  let warm = fleetMode ? Promise.resolve() : warmUp(accounts ?? session, generator, logger, started);
  warm.catch(() => undefined);
  let closed = false;
  try {
    // Chromium starts in its own process meanwhile: the rest of the daemon's code loads while it does.
    const [{ ProducerService }, { createStorage }, { createApp }] = await Promise.all([
      import("@producer/core"),
      import("@producer/utils"),
      import("./http/app.js"),
    ]);
    const storage = createStorage(config);
    service = await ProducerService.create({
      config,
      generator,
      storage,
      logger: logger.child({ component: "service" }),
      startWorker: false,
      // In a fleet, only the jobs of the accounts this daemon owns (and of none yet).
      ...(fleetMode ? { claimableAccounts: () => drivers.fleet?.ownedAccounts() ?? [] } : {}),
    });
    if (fleetMode && accounts) {
      drivers.fleet = new Fleet(config, service, accounts, logger.child({ component: "fleet" }));
      warm = drivers.fleet.start();
      warm.catch(() => undefined);
    }
    // Every daemon on this database shares each account's concurrency.
    accounts?.useSlots(service.accountSlots, config.queue.leaseMs);
    // Ready does not wait for Chromium or the session check, only the first job needs them: jobs are taken as soon
    // as they are done (a job queued meanwhile waits in the queue).
    const starting = service;
    void warm.then(
      () => {
        if (!closed) starting.startWorker();
      },
      (error: unknown) => {
        logger.error({ error: (error as Error).message }, "the browser did not start; jobs will try it again");
        if (!closed) starting.startWorker();
      },
    );
    // A login state imported while the daemon runs is used at once, and a queue paused by the old one resumes.
    const resumable = service;
    if (accounts) accounts.watchLoginStates();
    else session.watchLoginState();
    (accounts ?? session).onLoginStateChanged(() => resumable.resume());
    const token = daemonToken(config);
    let port: number | undefined;
    const app = createApp({
      ...(token ? { tcpToken: token.token } : {}),
      tcpPort: () => port,
      artifactHoldsSecret: async (file) => artifactHoldsSecret(file, await (accounts ?? session).loginSecrets()),
      config,
      service,
      storage,
      logger: logger.child({ component: "http" }),
      checkSession: (options) => generator.checkSession(options),
      browserStats: () => browserStats(drivers),
      accounts: accounts ? poolAccounts(accounts, drivers.fleet) : singleAccount(session),
    });
    servers.push(await listenOnSocket(app, config.daemon.socketPath));
    if (config.daemon.port !== undefined) {
      const tcp = await listenForTcp(app, config, logger, token?.generated === true);
      servers.push(tcp.server);
      port = tcp.port;
    }
    // Where this daemon listens, for the CLI to find without loading the configuration.
    writeDaemonEndpoint(config.paths.dataDir, {
      pid: process.pid,
      socketPath: config.daemon.socketPath,
      port: port ?? null,
    });
    logger.info({ socketPath: config.daemon.socketPath, port }, "producer daemon ready");
    const running = service;
    let closing: Promise<void> | undefined;
    return {
      socketPath: config.daemon.socketPath,
      port,
      service: running,
      session,
      accounts,
      close() {
        closing ??= (async () => {
          closed = true;
          logger.info({ graceMs: config.daemon.shutdownGraceMs }, "shutting down: running jobs may finish");
          const stopped = Promise.all(servers.map(closeServer));
          await running.close({ graceMs: config.daemon.shutdownGraceMs });
          // Its accounts are given up only once their jobs ended here: another daemon may take them at once.
          await drivers.fleet?.close();
          await (accounts ?? session).close();
          // Open keep-alive connections get 2 s to finish; the timer never holds the process up once they have.
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([stopped, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
          clearTimeout(timer);
          fs.rmSync(config.daemon.socketPath, { force: true });
          removeDaemonEndpoint(config.paths.dataDir);
          logger.info("producer daemon stopped");
        })();
        return closing;
      },
    };
  } catch (error) {
    closed = true;
    await Promise.all(servers.map(closeServer));
    await service?.close({ graceMs: 0 });
    await drivers.fleet?.close();
    await (accounts ?? session).close();
    throw error;
  }
}

/** The accounts of a pool, for the HTTP API. */
function poolAccounts(pool: AccountPool, fleet: Fleet | undefined): AccountsControl {
  return {
    list: async () => (fleet ? fleet.withOwners(pool.accounts()) : pool.accounts()),
    pause: (name) => pool.pause(name),
    resume: (name) => pool.resume(name),
    unwall: (name) => pool.unwall(name),
  };
}

/** The one account of a single-account setup, reported from its session check; it is paused with the queue. */
function singleAccount(session: BrowserSession): AccountsControl {
  const only = (name: string) => {
    if (name !== session.account.name) {
      throw new NotFoundError(
        `There is no account ${JSON.stringify(name)}; the only account is ${session.account.name}.`,
        { details: { account: name } },
      );
    }
    throw new ConflictError(
      "A single-account daemon has no account to pause or free: pause the queue instead, or declare `accounts`.",
    );
  };
  return {
    list: async (): Promise<AccountReport[]> => {
      const status = await session.checkSession();
      // The balance a finished generation left is newer than the last session check's.
      const latest = session.latestCredits;
      const { name, weight, maxConcurrency } = session.account;
      return [
        {
          name,
          paused: false,
          weight,
          maxConcurrency,
          running: session.pool.pagesInUse,
          signedIn: status.valid,
          sessionExpiresAt: status.expiresAt ?? null,
          sessionExpiresInSecs: status.expiresInSecs ?? null,
          credits: latest?.credits ?? status.credits ?? null,
          creditsReadAt: latest?.at ?? (status.credits !== undefined ? status.checkedAt : null),
          wall: status.valid
            ? null
            : {
                code: status.code ?? "SESSION_EXPIRED",
                reason: status.reason,
                since: status.checkedAt,
                until: status.checkedAt,
              },
          generations: 0,
          failures: {},
          creditsSpent: 0,
          lastUsedAt: null,
        },
      ];
    },
    pause: only,
    resume: only,
    unwall: only,
  };
}

/** Starts Chromium and checks the session, saying in the log what the first job will find. */
async function warmUp(
  browser: { start(): Promise<void> },
  generator: MusicGenerator,
  logger: Logger,
  started: number,
): Promise<void> {
  await browser.start();
  const status = await generator.checkSession({ force: true });
  if (status.valid) {
    logger.info(
      { expiresAt: status.expiresAt, warmMs: Date.now() - started },
      "ProducerAI session is valid; the browser is warm",
    );
  } else {
    logger.warn(
      { code: status.code, reason: status.reason, warmMs: Date.now() - started },
      "ProducerAI session is not usable yet; jobs wait",
    );
  }
}

/** Listens on the configured TCP port; a token made at this start is announced with where it is kept. */
async function listenForTcp(
  app: Hono<AppEnv>,
  config: ProducerConfig,
  logger: Logger,
  tokenGenerated: boolean,
): Promise<{ server: HttpServer; port: number }> {
  const tcp = await listenOnTcp(app, {
    host: config.daemon.host,
    port: config.daemon.port as number,
    tokenConfigured: Boolean(config.daemon.token),
  });
  if (tokenGenerated) {
    logger.info(
      { tokenFile: config.daemon.tokenFile },
      "TCP requests need the token in the token file; the CLI and the client read it there, `producer open` signs the status page in",
    );
  }
  return { server: tcp.server, port: tcp.port };
}
