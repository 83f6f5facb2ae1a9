import type { BrowserContext, Page } from "playwright";
import type { Logger } from "@producer/utils";
import { recordRevocation, type LoginRevocation } from "./login-revocation.js";
import { refreshTokenOf, type LoginState } from "./login-state.js";
import type { PoolLogin } from "./pool-login.js";
import { watchRefreshAnswers, type RefreshAnswer } from "./refresh-answers.js";

/** How long after a refresh answer the page may take to write the new session into its cookie. */
const COOKIE_WRITE_WAIT_MS = 3000;
const COOKIE_POLL_MS = 50;

export interface LoginKeeperOptions {
  login: PoolLogin;
  /** The path of Supabase's token endpoint (the profile's `api.authRefresh`); without it only the look saves. */
  authRefreshPath: string | undefined;
  /** The context whose cookies are the login now, when the browser is ready. */
  current: () => BrowserContext | undefined;
  /** How often the live cookies are compared with the saved ones (a refresh not seen on the wire); 0: never. */
  checkIntervalMs: number;
  logger: Logger;
  /** Told when the site refused the login's refresh token as already used (the session is revoked). */
  onRevoked: (revocation: LoginRevocation) => void;
}

/**
 * Keeps the saved login in step with the page's: the refresh token rotates each time the page refreshes its
 * access token (also while no job runs), and only the newest one works — a stale one used after the reuse interval
 * revokes the whole session. So the state is saved on every rotation: when the page's refresh answers, and, as a
 * safety net, whenever a cheap periodic look finds another refresh token in the cookies than in the file.
 */
export class LoginKeeper {
  private timer: NodeJS.Timeout | undefined;
  /** Saves one at a time, so an older state read never lands after a newer one. */
  private saving: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: LoginKeeperOptions) {}

  /** Reads the answers to a page's own refreshes; each rotation is saved, a refusal as already used recorded. */
  async watchPage(context: BrowserContext, page: Page): Promise<void> {
    const path = this.options.authRefreshPath;
    if (!path) return;
    await watchRefreshAnswers(context, page, path, (answer) => {
      void this.onRefreshAnswer(context, answer).catch((error: unknown) =>
        this.options.logger.warn({ error: (error as Error).message }, "could not save the refreshed login"),
      );
    });
  }

  start(): void {
    if (this.timer || this.options.checkIntervalMs <= 0) return;
    this.timer = setInterval(() => {
      const context = this.options.current();
      if (context) void this.saveIfRotated(context).catch(() => undefined);
    }, this.options.checkIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Saves the context's login state now. */
  save(context: BrowserContext): Promise<void> {
    return this.serialize(async () => {
      this.options.login.save((await context.storageState()) as LoginState);
    });
  }

  /** Saves the context's login state when its refresh token is not the saved one; the token it holds. */
  saveIfRotated(context: BrowserContext): Promise<string | undefined> {
    return this.serialize(async () => {
      // The cookies alone tell; the whole storage state (every origin's storage too) is read only to be saved.
      const token = refreshTokenOf({ cookies: await context.cookies(), origins: [] });
      if (token === undefined || token === this.options.login.savedRefreshToken) return token;
      const state = (await context.storageState()) as LoginState;
      this.options.login.save(state);
      this.options.logger.debug("the page rotated its refresh token; the login state is saved");
      return refreshTokenOf(state);
    });
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.saving.then(task, task);
    this.saving = run.catch(() => undefined);
    return run;
  }

  private async onRefreshAnswer(context: BrowserContext, answer: RefreshAnswer): Promise<void> {
    const { status } = answer;
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(answer.body) as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    if (status >= 200 && status < 300) {
      // The page writes the new session into its cookie once it has read the answer: wait for it there.
      const fresh = typeof body?.refresh_token === "string" ? body.refresh_token : undefined;
      for (let waitedMs = 0; ; waitedMs += COOKIE_POLL_MS) {
        const held = await this.saveIfRotated(context);
        if (held === fresh || waitedMs >= COOKIE_WRITE_WAIT_MS) return;
        await new Promise((resolve) => setTimeout(resolve, COOKIE_POLL_MS));
      }
    }
    const words = typeof body?.error_description === "string" ? body.error_description : "";
    // Supabase's reuse detection: the token was used elsewhere after it rotated, and the session is revoked.
    if (body?.error !== "invalid_grant" || !/already used/i.test(words)) return;
    if (answer.sentToken === undefined) return;
    const revocation = recordRevocation(this.options.login.stateFile, answer.sentToken, words);
    this.options.logger.warn(
      { answer: words, status },
      "the site refused the login's refresh token as already used: the login was refreshed elsewhere after it was copied, and the session is revoked",
    );
    this.options.onRevoked(revocation);
  }
}
