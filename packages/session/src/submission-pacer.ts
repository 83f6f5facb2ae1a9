import { sleep } from "@producer/utils";

/**
 * Keeps a random gap between two submissions on one account (anti-bot pacing), whichever page submits.
 * Turns are handed out in order; each waits for the previous submission plus a gap in [minMs, maxMs].
 */
export class SubmissionPacer {
  private nextAllowedAt = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly gap: { minMs: number; maxMs: number },
    private readonly random: () => number = Math.random,
  ) {}

  /** Resolves when this caller may submit; its submission counts from then. */
  waitTurn(signal?: AbortSignal): Promise<void> {
    const turn = this.chain.then(async () => {
      const waitMs = this.nextAllowedAt - Date.now();
      if (waitMs > 0) await sleep(waitMs, signal);
      const gapMs = this.gap.minMs + Math.floor(this.random() * (this.gap.maxMs - this.gap.minMs + 1));
      this.nextAllowedAt = Date.now() + gapMs;
    });
    this.chain = turn.catch(() => undefined);
    return turn;
  }
}

/** A human-like pause between page actions, in [minMs, maxMs]. */
export function actionPause(range: { minMs: number; maxMs: number }, signal?: AbortSignal): Promise<void> {
  const ms = range.minMs + Math.floor(Math.random() * (range.maxMs - range.minMs + 1));
  return ms > 0 ? sleep(ms, signal) : Promise.resolve();
}
