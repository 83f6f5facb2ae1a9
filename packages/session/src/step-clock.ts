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
