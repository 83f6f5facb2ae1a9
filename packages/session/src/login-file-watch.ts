import fs from "node:fs";
import type { Logger } from "@producer/utils";
import { readLoginState, type LoginState } from "./login-state.js";

/**
 * Watches a login state file for a state written by another process — `producer session import` or `init` while
 * the daemon runs — and hands it to `onState`. The pool's own saves are told apart by their modification time.
 * Returns the function that stops watching.
 */
export function watchLoginFile(options: {
  file: string;
  intervalMs: number;
  /** The modification time of the pool's own last save. */
  ownMtimeMs: () => number;
  onState: (state: LoginState) => Promise<void>;
  logger: Logger;
}): () => void {
  const { file, logger } = options;
  fs.watchFile(file, { interval: options.intervalMs, persistent: false }, (current) => {
    if (current.mtimeMs === 0 || current.mtimeMs === options.ownMtimeMs()) return;
    let state: LoginState | undefined;
    try {
      state = readLoginState(file);
    } catch (error) {
      logger.warn({ error: (error as Error).message }, "the login state file changed but cannot be read");
      return;
    }
    if (!state) return;
    logger.info("the login state file changed; using the new login state");
    void options
      .onState(state)
      .catch((error: unknown) => logger.warn({ error: (error as Error).message }, "could not use the new login state"));
  });
  return () => fs.unwatchFile(file);
}
