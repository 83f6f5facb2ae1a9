import type { ProducerConfig } from "@producer/config";
import type { Logger, MusicGenerator, ProducerError } from "@producer/utils";

/** Errors that say the account cannot generate right now: the queue pauses instead of burning every job. */
export const PAUSING_CODES = new Set([
  "SESSION_EXPIRED",
  "SESSION_REVOKED",
  "CHALLENGE",
  "QUOTA_EXHAUSTED",
  "LOGIN_FAILED",
  "NO_ACCOUNT",
]);

export interface PauseState {
  code: string;
  reason: string;
  since: string;
}

/**
 * A worker's pause after a session problem: no job is claimed until the session is usable again. The session is
 * checked again after `pauseRecheckMs`, each further wait doubling up to `pauseRecheckMaxMs`.
 */
export class QueuePause {
  private pausedBy: PauseState | undefined;
  private recheckTimer: NodeJS.Timeout | undefined;
  /** The wait before the next check of a paused queue: doubles from `pauseRecheckMs` up to `pauseRecheckMaxMs`. */
  private recheckDelayMs = 0;

  constructor(
    private readonly deps: {
      config: ProducerConfig;
      generator: MusicGenerator;
      logger: Logger;
      /** Whether the worker still runs; a stopped one checks nothing. */
      running: () => boolean;
      /** Called when the queue pauses or resumes. */
      onChange?: () => void;
      /** Called on resuming, to look for work at once. */
      onResume: () => void;
    },
  ) {}

  get state(): PauseState | undefined {
    return this.pausedBy;
  }

  pause(error: ProducerError): void {
    if (!this.pausedBy) {
      this.pausedBy = { code: error.code, reason: error.message, since: new Date().toISOString() };
      this.deps.logger.warn({ code: error.code }, "queue paused until the session is usable again");
      this.deps.onChange?.();
    }
    this.recheckDelayMs = this.deps.config.queue.pauseRecheckMs;
    this.scheduleRecheck();
  }

  resume(): void {
    if (!this.pausedBy) return;
    this.deps.logger.info({ was: this.pausedBy.code }, "queue resumed");
    this.pausedBy = undefined;
    this.deps.onChange?.();
    clearTimeout(this.recheckTimer);
    this.deps.onResume();
  }

  /** No more checks: the worker stops. */
  stop(): void {
    clearTimeout(this.recheckTimer);
  }

  private scheduleRecheck(): void {
    clearTimeout(this.recheckTimer);
    this.recheckTimer = setTimeout(() => void this.recheck(), this.recheckDelayMs);
    this.recheckTimer.unref();
  }

  private async recheck(): Promise<void> {
    if (!this.pausedBy || !this.deps.running()) return;
    // Through the page already open on the site: a pause costs the site no page loads.
    const status = await this.deps.generator.checkSession({ force: true, viaOpenPage: true }).catch(() => undefined);
    const { site } = this.deps.config;
    const price = site.creditsPerSong * site.songsPerGeneration;
    // Out of credits stays paused while the balance is still under one generation's price.
    const stillShort =
      this.pausedBy.code === "QUOTA_EXHAUSTED" && status?.credits !== undefined && status.credits < price;
    if (status?.valid && !stillShort) this.resume();
    else {
      if (status) {
        const reason = stillShort
          ? `The account has ${status.credits} credits; one generation costs about ${price}.`
          : status.reason;
        this.pausedBy = { ...this.pausedBy, reason };
      }
      const { pauseRecheckMs, pauseRecheckMaxMs } = this.deps.config.queue;
      this.recheckDelayMs = Math.min(Math.max(pauseRecheckMs, pauseRecheckMaxMs), this.recheckDelayMs * 2);
      this.scheduleRecheck();
    }
  }
}
