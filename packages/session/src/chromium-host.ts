import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser } from "playwright";
import { BrowserCrashedError, CancelledError, silentLogger, type Logger } from "@producer/utils";
import { findPoolProcesses, POOL_ENVIRONMENT_KEY } from "./chromium-processes.js";

export interface ChromiumHostOptions {
  executablePath: string;
  headless: boolean;
  args: readonly string[];
  launchTimeoutMs: number;
  /**
   * Where Chromium's profile, Playwright's artifacts and the browser's downloads live (a folder per host, mode
   * 0700), instead of the system temp dir; what a killed process left here is removed at the next launch.
   */
  workDir?: string;
  logger?: Logger;
}

/** `<pid>-<host id>`: the folder of one host's browser files under the work dir. */
const HOST_DIR = /^(\d+)-[0-9a-f]{8}$/;

/** Hosts alive in this process, so a sweep never takes a live sibling's folder. */
const LIVE_HOSTS = new Set<string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** Runs `work` with the system temp dir pointed at `dir`, where Playwright makes the profile and artifacts folders. */
async function withTempDir<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    return await work();
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

interface HostEvents {
  disconnected: [{ launch: number }];
}

/**
 * One Chromium, shared by the browser pools of every account (each keeps its own context: cookies never cross).
 * Launched on first need and again after a crash (once, however many pools ask); every process it starts carries
 * the host's id, so none is ever left behind.
 */
export class ChromiumHost extends EventEmitter<HostEvents> {
  /** Marks every process of this Chromium (an environment variable they inherit), so they can be found. */
  readonly hostId = randomUUID();
  private current: { browser: Browser; launch: number } | undefined;
  private launching: Promise<{ browser: Browser; launch: number }> | undefined;
  private launchCount = 0;
  private closed = false;
  private readonly logger: Logger;
  /** Launches after the first: how often the browser had to be replaced. */
  restarts = 0;

  constructor(private readonly options: ChromiumHostOptions) {
    super();
    this.setMaxListeners(0);
    this.logger = options.logger ?? silentLogger;
  }

  /** The running browser and which launch it is; launches it when none runs. */
  browser(): Promise<{ browser: Browser; launch: number; ms?: number }> {
    if (this.closed) return Promise.reject(new CancelledError("The browser is closed."));
    if (this.current?.browser.isConnected()) return Promise.resolve(this.current);
    this.launching ??= this.launch().finally(() => {
      this.launching = undefined;
    });
    return this.launching;
  }

  /** This host's folder under the work dir, or undefined when the system temp dir is used. */
  get browserDir(): string | undefined {
    return this.options.workDir
      ? path.join(this.options.workDir, `${process.pid}-${this.hostId.slice(0, 8)}`)
      : undefined;
  }

  /** The PIDs of every process of this Chromium (Linux). */
  processIds(): number[] {
    return findPoolProcesses(this.hostId).map((found) => found.pid);
  }

  /** The PID of the browser's main process (Linux). */
  browserProcessId(): number | undefined {
    return findPoolProcesses(this.hostId).find((found) => found.isBrowser)?.pid;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.launching?.catch(() => undefined);
    const browser = this.current?.browser;
    this.current = undefined;
    if (browser) await browser.close().catch(() => undefined);
    this.killLeftovers();
    const browserDir = this.browserDir;
    if (browserDir) {
      fs.rmSync(browserDir, { recursive: true, force: true });
      LIVE_HOSTS.delete(path.basename(browserDir));
    }
  }

  private async launch(): Promise<{ browser: Browser; launch: number; ms: number }> {
    const started = Date.now();
    const root = typeof process.getuid === "function" && process.getuid() === 0;
    const args = [...this.options.args, `--producer-pool=${this.hostId}`, ...(root ? ["--no-sandbox"] : [])];
    const browserDir = this.browserDir;
    if (browserDir) {
      LIVE_HOSTS.add(path.basename(browserDir));
      this.sweepWorkDir();
      fs.mkdirSync(path.join(browserDir, "downloads"), { recursive: true, mode: 0o700 });
    }
    // Chromium itself keeps the system temp dir (its singleton socket path must stay short).
    const env = { ...process.env, [POOL_ENVIRONMENT_KEY]: this.hostId };
    let browser: Browser;
    try {
      const launch = () =>
        chromium.launch({
          executablePath: this.options.executablePath,
          headless: this.options.headless,
          args,
          timeout: this.options.launchTimeoutMs,
          handleSIGINT: false,
          handleSIGTERM: false,
          handleSIGHUP: false,
          env,
          ...(browserDir ? { downloadsPath: path.join(browserDir, "downloads") } : {}),
        });
      // Playwright puts the profile and its artifacts in the system temp dir; keep them in the data dir instead.
      browser = browserDir ? await withTempDir(browserDir, launch) : await launch();
    } catch (error) {
      throw new BrowserCrashedError(`Chromium did not start: ${(error as Error).message.split("\n")[0]}`, {
        cause: error,
        details: { executablePath: this.options.executablePath },
      });
    }
    if (this.closed) {
      await browser.close().catch(() => undefined);
      throw new CancelledError("The browser closed while Chromium was starting.");
    }
    this.launchCount += 1;
    const launch = this.launchCount;
    if (launch > 1) this.restarts += 1;
    this.current = { browser, launch };
    browser.on("disconnected", () => {
      if (this.current?.launch === launch) this.current = undefined;
      if (this.closed) return;
      this.logger.warn({ launch }, "chromium disconnected");
      this.killLeftovers();
      this.emit("disconnected", { launch });
    });
    const ms = Date.now() - started;
    this.logger.info({ launch, ms }, "chromium launched");
    return { browser, launch, ms };
  }

  /** Removes the browser folders of hosts whose process is gone (a killed daemon's profile and downloads). */
  private sweepWorkDir(): void {
    const workDir = this.options.workDir;
    if (!workDir || !fs.existsSync(workDir)) return;
    for (const name of fs.readdirSync(workDir)) {
      const match = HOST_DIR.exec(name);
      if (!match) continue;
      const pid = Number(match[1]);
      const mine = pid === process.pid;
      if ((mine && LIVE_HOSTS.has(name)) || (!mine && processAlive(pid))) continue;
      // A Chromium its killed owner left running would keep writing there: stop it first.
      for (const leftover of findPoolProcesses(name.slice(name.indexOf("-") + 1), { prefix: true })) {
        try {
          process.kill(leftover.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      try {
        fs.rmSync(path.join(workDir, name), { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
        this.logger.info({ folder: name }, "removed the browser files a stopped process left");
      } catch (error) {
        this.logger.warn(
          { folder: name, error: (error as Error).message },
          "could not remove a stopped process's browser files",
        );
      }
    }
  }

  private killLeftovers(): void {
    for (const { pid } of findPoolProcesses(this.hostId)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
}
