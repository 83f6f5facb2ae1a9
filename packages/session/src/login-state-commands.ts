import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright";
import { ensureDataDirs, findBrowserExecutable, type AccountConfig, type ProducerConfig } from "@producer/config";
import {
  InvalidInputError,
  silentLogger,
  TimeoutError,
  UnavailableError,
  type Logger,
  type SessionStatus,
} from "@producer/utils";
import { BrowserSession } from "./browser-session.js";
import { authCookieOf, normalizeLoginState, writeLoginState, type LoginState } from "./login-state.js";
import { locate, siteUrl } from "./locators.js";
import { waitForFirst } from "./page-watch.js";

export interface LoginStateSummary {
  stateFile: string;
  cookies: number;
  /** The auth cookie's name, when the state has one. */
  authCookie: string | undefined;
  /** When the login ends, when that is known (a login without a refresh token). */
  expiresAt: string | undefined;
  /** The login holds a refresh token: the page renews its access token, so the login has no known end. */
  refreshable: boolean;
  /** When the saved access token ends (about an hour after it was issued). */
  accessTokenExpiresAt: string | undefined;
}

function summarize(stateFile: string, state: LoginState): LoginStateSummary {
  const auth = authCookieOf(state);
  const refreshable = auth?.refreshable === true;
  return {
    stateFile,
    cookies: state.cookies.length,
    authCookie: auth?.name,
    expiresAt: refreshable ? undefined : auth?.expiresAt,
    refreshable,
    accessTokenExpiresAt: refreshable ? auth?.expiresAt : undefined,
  };
}

/**
 * `producer session init`: opens a browser window on the sign-in page and waits while the user signs in (Google,
 * Discord, …) by hand; once the composer shows, saves the login state with mode 0600. `onPage` lets a caller act
 * on the page (tests sign in through it; a headless server has no one to click).
 */
export async function initLoginState(options: {
  config: ProducerConfig;
  headless?: boolean;
  timeoutMs?: number;
  onPage?: (page: import("playwright").Page) => Promise<void>;
  logger?: Logger;
}): Promise<LoginStateSummary> {
  const { config } = options;
  const logger = options.logger ?? silentLogger;
  ensureDataDirs(config);
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  const headless = options.headless ?? false;
  const browser = await chromium
    .launch({
      executablePath: findBrowserExecutable(config),
      headless,
      args: [...config.browser.args, ...(root ? ["--no-sandbox"] : [])],
      timeout: config.browser.launchTimeoutMs,
    })
    .catch((error: Error) => {
      const noDisplay = !headless && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
      throw new UnavailableError(
        noDisplay
          ? "Signing in by hand needs a browser window, and this machine has no display. Sign in on a desktop and use `producer session import <cookies.json>` here."
          : `Chromium did not start: ${error.message.split("\n")[0]}`,
        { cause: error },
      );
    });
  try {
    const context = await browser.newContext({
      storageState: fs.existsSync(config.paths.stateFile) ? config.paths.stateFile : undefined,
    });
    const page = await context.newPage();
    const { site } = config;
    await page.goto(siteUrl(site, "signIn"), { timeout: site.timeouts.navigationMs });
    logger.info("sign in to ProducerAI in the browser window; the login state is saved once the composer shows");
    const acting = options.onPage?.(page);
    const timeoutMs = options.timeoutMs ?? 10 * 60_000;
    await waitForFirst(
      {
        signedIn: async () => {
          if (new URL(page.url()).pathname !== site.paths.studio) return false;
          for (const key of ["composeToggle", "chatInput", "promptInput"]) {
            if (key in site.locators && (await locate(site, page, key).count()) > 0) return true;
          }
          return false;
        },
      },
      { timeoutMs, step: "sign-in by hand", intervalMs: 250 },
    ).catch((error: unknown) => {
      if (TimeoutError.isInstance(error)) {
        throw new TimeoutError(`No sign-in within ${Math.round(timeoutMs / 1000)} s; nothing was saved.`, {
          cause: error,
        });
      }
      throw error;
    });
    await acting;
    const state = (await context.storageState()) as LoginState;
    writeLoginState(config.paths.stateFile, state);
    return summarize(config.paths.stateFile, state);
  } finally {
    await browser.close();
  }
}

/**
 * `producer session import`: takes a Playwright storage state or a browser-extension cookie export (a file path,
 * JSON text, or the parsed value) and saves it as the login state with mode 0600.
 */
export function importLoginState(options: {
  config: ProducerConfig;
  source: unknown;
  stateFile?: string;
}): LoginStateSummary {
  const { config } = options;
  const stateFile = options.stateFile ?? config.paths.stateFile;
  let input = options.source;
  if (typeof input === "string") {
    const text = input.trimStart().startsWith("{") || input.trimStart().startsWith("[") ? input : readFile(input);
    try {
      input = JSON.parse(text) as unknown;
    } catch (error) {
      throw new InvalidInputError(`The login state is not JSON: ${(error as Error).message}`, [
        { path: "source", message: "expected JSON" },
      ]);
    }
  }
  const state = normalizeLoginState(input, "the imported login state");
  ensureDataDirs(config);
  fs.mkdirSync(path.dirname(stateFile), { recursive: true, mode: 0o700 });
  writeLoginState(stateFile, state);
  return summarize(stateFile, state);
}

function readFile(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new InvalidInputError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? "error"}`, [
      { path: "source", message: "cannot be read" },
    ]);
  }
}

/** `producer session check`: opens the site once and says whether the saved login state works, and why not. */
export async function checkLoginState(options: {
  config: ProducerConfig;
  logger?: Logger;
  account?: AccountConfig;
}): Promise<SessionStatus> {
  const session = new BrowserSession(options);
  try {
    return await session.checkSession({ force: true });
  } finally {
    await session.close();
  }
}
