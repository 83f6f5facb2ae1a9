import fs from "node:fs";
import { ensureDataDirs, type ProducerConfig } from "@producer/config";
import type { ProducerService } from "@producer/core";
import { BrowserSession } from "@producer/session";
import type { Logger } from "@producer/utils";
import { closeServer, listenOnSocket, listenOnTcp, type HttpServer } from "./listen.js";

export interface RunningDaemon {
  socketPath: string;
  /** The TCP port, when one is open. */
  port: number | undefined;
  service: ProducerService;
  session: BrowserSession;
  /** Stop accepting, let running jobs finish within the grace period (the rest stay queued), close Chromium, remove the socket. */
  close(): Promise<void>;
}

/**
 * Starts the daemon: Chromium launched and the session checked (warm) while the service's code loads and its
 * database opens, then the listeners. Only then is it ready.
 */
export async function startDaemon(config: ProducerConfig, logger: Logger): Promise<RunningDaemon> {
  ensureDataDirs(config);
  const session = new BrowserSession({ config, logger: logger.child({ component: "session" }) });
  const servers: HttpServer[] = [];
  let service: ProducerService | undefined;
  const warm = (async () => {
    await session.start();
    const status = await session.checkSession({ force: true });
    if (status.valid) logger.info({ expiresAt: status.expiresAt }, "ProducerAI session is valid");
    else logger.warn({ code: status.code, reason: status.reason }, "ProducerAI session is not usable yet; jobs wait");
  })();
  warm.catch(() => undefined);
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
      generator: session,
      storage,
      logger: logger.child({ component: "service" }),
      startWorker: false,
    });
    await warm;
    service.startWorker();
    // A login state imported while the daemon runs is used at once, and a queue paused by the old one resumes.
    const resumable = service;
    session.watchLoginState();
    session.onLoginStateChanged(() => resumable.resume());
    const app = createApp({
      config,
      service,
      storage,
      logger: logger.child({ component: "http" }),
      checkSession: (options) => session.checkSession(options),
      browserStats: () => ({
        up: session.pool.status === "ready",
        restarts: session.pool.restarts,
        pagesInUse: session.pool.pagesInUse,
        pagesOpen: session.pool.pagesOpen,
      }),
    });
    servers.push(await listenOnSocket(app as never, config.daemon.socketPath));
    let port: number | undefined;
    if (config.daemon.port !== undefined) {
      const tcp = await listenOnTcp(app as never, { host: config.daemon.host, port: config.daemon.port, tokenConfigured: Boolean(config.daemon.token) });
      servers.push(tcp.server);
      port = tcp.port;
    }
    logger.info({ socketPath: config.daemon.socketPath, port }, "producer daemon ready");
    const running = service;
    let closing: Promise<void> | undefined;
    return {
      socketPath: config.daemon.socketPath,
      port,
      service: running,
      session,
      close() {
        closing ??= (async () => {
          logger.info({ graceMs: config.daemon.shutdownGraceMs }, "shutting down: running jobs may finish");
          const stopped = Promise.all(servers.map(closeServer));
          await running.close({ graceMs: config.daemon.shutdownGraceMs });
          await session.close();
          // Open keep-alive connections get 2 s to finish; the timer never holds the process up once they have.
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([stopped, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
          clearTimeout(timer);
          fs.rmSync(config.daemon.socketPath, { force: true });
          logger.info("producer daemon stopped");
        })();
        return closing;
      },
    };
  } catch (error) {
    await Promise.all(servers.map(closeServer));
    await service?.close({ graceMs: 0 });
    await session.close();
    throw error;
  }
}
