/** One step's time summed over the runs that went through it, and how many did. */
export interface StepTotal {
  totalMs: number;
  count: number;
}

/** Time spent in each step, summed, with how many times each ran: what a metrics summary reports per step. */
export class StepTotals {
  private readonly totals = new Map<string, StepTotal>();

  /** One run of `step` that took `ms`. */
  add(step: string, ms: number): void {
    this.merge(step, ms, 1);
  }

  /** One run through several steps: milliseconds by step. */
  addAll(timings: Record<string, number>): void {
    for (const [step, ms] of Object.entries(timings)) this.add(step, ms);
  }

  /** The totals so far, by step. */
  get byStep(): ReadonlyMap<string, StepTotal> {
    return this.totals;
  }

  /** Several sources' totals (one per account, say) added up. */
  static sum(sources: readonly StepTotals[]): ReadonlyMap<string, StepTotal> {
    const sum = new StepTotals();
    for (const source of sources)
      for (const [step, { totalMs, count }] of source.totals) sum.merge(step, totalMs, count);
    return sum.totals;
  }

  private merge(step: string, totalMs: number, count: number): void {
    const total = this.totals.get(step) ?? { totalMs: 0, count: 0 };
    this.totals.set(step, { totalMs: total.totalMs + totalMs, count: total.count + count });
  }
}
