import type { Command } from "./command.js";
import { configModule } from "./lazy-config.js";

export const daemonCommand: Command = {
  name: "daemon",
  help: `producer daemon — run the daemon in the foreground (Chromium warm, the queue running).
Listens on daemon.socketPath (and daemon.port when set). Stops on SIGTERM / Ctrl-C, letting running jobs finish.`,
  async run() {
    const { config } = (await configModule()).loadConfig();
    // Playwright, the job store and storage load only here, so the commands that only talk to the daemon start fast.
    const { createDaemonLogger } = await import("../logger.js");
    const { startDaemon } = await import("../daemon.js");
    const logger = createDaemonLogger(config.log.level);
    const daemon = await startDaemon(config, logger);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        logger.info({ signal }, "signal received");
        void daemon.close().then(resolve);
      };
      process.once("SIGTERM", () => stop("SIGTERM"));
      process.once("SIGINT", () => stop("SIGINT"));
    });
    return 0;
  },
};
