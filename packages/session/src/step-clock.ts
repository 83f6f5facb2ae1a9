/**
 * The step a generation is on, and how long each step took: setting `name` ends the step before. The driver
 * puts the figures in its debug log and adds them to its `StepTotals`, which the daemon's metrics show.
 */
export class StepClock {
  private current: string;
  private since = performance.now();
  private readonly spent = new Map<string, number>();

  constructor(first: string) {
    this.current = first;
  }

  get name(): string {
    return this.current;
  }

  set name(next: string) {
    if (next === this.current) return;
    this.stop();
    this.current = next;
  }

  /** Milliseconds per step so far, in the order the steps first ran. */
  timings(): Record<string, number> {
    this.stop();
    return Object.fromEntries([...this.spent].map(([step, ms]) => [step, Math.round(ms)]));
  }

  private stop(): void {
    const now = performance.now();
    this.spent.set(this.current, (this.spent.get(this.current) ?? 0) + now - this.since);
    this.since = now;
  }
}

/** Each page step's time summed over the generations that finished, and how many did: a mean per step. */
export class StepTotals {
  private readonly totals = new Map<string, { totalMs: number; count: number }>();

  add(timings: Record<string, number>): void {
    for (const [step, ms] of Object.entries(timings)) {
      const total = this.totals.get(step) ?? { totalMs: 0, count: 0 };
      this.totals.set(step, { totalMs: total.totalMs + ms, count: total.count + 1 });
    }
  }

  /** The totals so far, by step; several sources (one per account) add up. */
  static sum(sources: readonly StepTotals[]): Map<string, { totalMs: number; count: number }> {
    const sum = new Map<string, { totalMs: number; count: number }>();
    for (const source of sources)
      for (const [step, { totalMs, count }] of source.totals) {
        const total = sum.get(step) ?? { totalMs: 0, count: 0 };
        sum.set(step, { totalMs: total.totalMs + totalMs, count: total.count + count });
      }
    return sum;
  }
}
