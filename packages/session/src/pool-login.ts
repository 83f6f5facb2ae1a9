import fs from "node:fs";
import type { BrowserContext } from "playwright";
import type { Logger } from "@producer/utils";
import { secretsOfLoginStates } from "./login-secrets.js";
import { readLoginState, refreshTokenOf, writeLoginState, type LoginState } from "./login-state.js";

/**
 * Bearer tokens remembered from the context's requests, for scrubbing a trace that spans jobs: the page renews
 * its token about hourly, so these reach back most of a day.
 */
const BEARERS_KEPT = 16;

/**
 * A pool's login outside the browser: the state file its contexts are opened with and saved back to (mode 0600),
 * and the Bearer tokens its pages sent lately — together, every credential to keep out of a failure artifact.
 */
export class PoolLogin {
  /** The state file's modification time as this pool last wrote it, to tell its own writes from others'. */
  lastSavedMtimeMs = 0;
  /** The refresh token in the state file as this pool last read or wrote it: a different live one is unsaved. */
  savedRefreshToken: string | undefined;
  private readonly savedListeners = new Set<(state: LoginState) => void | Promise<void>>();
  /** The latest Bearer tokens the pages sent, oldest first. */
  private readonly bearers = new Set<string>();

  constructor(
    readonly stateFile: string,
    private readonly logger: Logger,
  ) {}

  /** The state file to open a context with, when there is one. */
  existingFile(): string | undefined {
    if (!fs.existsSync(this.stateFile)) return undefined;
    try {
      const state = this.read();
      this.savedRefreshToken = state ? refreshTokenOf(state) : undefined;
    } catch {
      // Playwright says what is wrong with the file when it opens the context with it.
    }
    return this.stateFile;
  }

  read(): LoginState | undefined {
    return readLoginState(this.stateFile);
  }

  /** Writes the state file (0600, atomically) and tells every listener. */
  save(state: LoginState): void {
    writeLoginState(this.stateFile, state);
    this.lastSavedMtimeMs = fs.statSync(this.stateFile).mtimeMs;
    this.savedRefreshToken = refreshTokenOf(state);
    // A listener's failure is its own: the file is saved.
    for (const listener of this.savedListeners) {
      void Promise.resolve()
        .then(() => listener(state))
        .catch((error: unknown) =>
          this.logger.warn({ error: (error as Error).message }, "a login-saved listener failed"),
        );
    }
  }

  /** Called after every save of the state file by this pool. */
  onSaved(listener: (state: LoginState) => void | Promise<void>): () => void {
    this.savedListeners.add(listener);
    return () => this.savedListeners.delete(listener);
  }

  /** Remembers the token of a request's `authorization` header, when it is a Bearer. */
  noteBearer(authorization: string | undefined): void {
    if (!authorization || !/^bearer\s/i.test(authorization)) return;
    const token = authorization.slice(7).trim();
    if (!token) return;
    this.bearers.delete(token);
    this.bearers.add(token);
    for (const oldest of this.bearers) {
      if (this.bearers.size <= BEARERS_KEPT) break;
      this.bearers.delete(oldest);
    }
  }

  /**
   * Every credential the login holds now: the values in the saved state and in the live contexts' cookies and
   * storage (the page refreshes its access token and rotates the refresh token, so they differ), with the tokens
   * decoded from the auth cookie, and the Bearer tokens the pages sent lately.
   */
  async secrets(liveContexts: readonly BrowserContext[]): Promise<string[]> {
    const states: Array<LoginState | undefined> = [];
    try {
      states.push(this.read());
    } catch {
      // A state file that cannot be read holds nothing to look for; the live cookies still count.
    }
    for (const context of liveContexts) {
      states.push((await context.storageState().catch(() => undefined)) as LoginState | undefined);
    }
    return [...new Set([...secretsOfLoginStates(states), ...this.bearers])];
  }
}
