import type { BrowserContext, Route } from "playwright";
import type { Logger } from "@producer/utils";
import { requestBody } from "./api-paths.js";
import { recordRevocation, type LoginRevocation } from "./login-revocation.js";
import { refreshTokenOf, type LoginState } from "./login-state.js";
import type { PoolLogin } from "./pool-login.js";

/** How long after a refresh answer the page may take to write the new session into its cookie. */
const COOKIE_WRITE_WAIT_MS = 3000;
const COOKIE_POLL_MS = 50;

export interface LoginKeeperOptions {
  login: PoolLogin;
  /** Whether a URL is Supabase's token endpoint (the profile's `api.authRefresh`). */
  isAuthRefresh: (url: string) => boolean;
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

  /**
   * Watches a context's refreshes. They are relayed rather than only listened to: the page leaves for the sign-in
   * page the moment a refresh is refused, and the answer's body (which says why) is gone from the browser by the
   * time a listener asks for it.
   */
  async watch(context: BrowserContext): Promise<void> {
    await context.route(
      (url) => this.options.isAuthRefresh(url.href),
      (route) => this.relay(context, route),
    );
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

  /** Sends the page's request on, hands the answer back unchanged, and then looks at what it said. */
  private async relay(context: BrowserContext, route: Route): Promise<void> {
    const request = route.request();
    if (request.method() !== "POST") return route.continue().catch(() => undefined);
    let status: number;
    let text: string;
    try {
      const response = await route.fetch();
      status = response.status();
      text = await response.text();
      await route.fulfill({ response, body: text });
    } catch (error) {
      // The context is closing, or the network failed: the page sees a failed request, as without the relay.
      await route.abort("failed").catch(() => undefined);
      this.options.logger.debug({ error: (error as Error).message }, "a login refresh did not get through");
      return;
    }
    const refused = requestBody(request).refresh_token;
    await this.onRefreshAnswer(context, status, text, typeof refused === "string" ? refused : undefined).catch(
      (error: unknown) =>
        this.options.logger.warn({ error: (error as Error).message }, "could not save the refreshed login"),
    );
  }

  private async onRefreshAnswer(
    context: BrowserContext,
    status: number,
    text: string,
    refused: string | undefined,
  ): Promise<void> {
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
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
    const answer = typeof body?.error_description === "string" ? body.error_description : "";
    // Supabase's reuse detection: the token was used elsewhere after it rotated, and the session is revoked.
    if (body?.error !== "invalid_grant" || !/already used/i.test(answer)) return;
    if (refused === undefined) return;
    const revocation = recordRevocation(this.options.login.stateFile, refused, answer);
    this.options.logger.warn(
      { answer, status },
      "the site refused the login's refresh token as already used: the login was refreshed elsewhere after it was copied, and the session is revoked",
    );
    this.options.onRevoked(revocation);
  }
}
