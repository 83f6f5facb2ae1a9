import type { Job } from "./job.js";
import type { JobEvents } from "./job-events.js";

export interface JobFeedSource {
  events: JobEvents;
  /** When each of these jobs last changed (ms), as the database says. */
  changeStamps(ids: string[]): Promise<Map<string, number>>;
  load(id: string): Promise<Job>;
  intervalMs: number;
}

type Listener = (job: Job) => void;

/**
 * One watcher of job changes for every event stream and wait of this process. Changes made here arrive as
 * events at once; changes made by another process on a shared database are found by one query per interval
 * over every watched job — not a poll per stream — so thousands of open streams cost one small query a tick.
 */
export class JobFeed {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly stamps = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private readonly onJob = (job: Job) => this.deliver(job);

  constructor(private readonly source: JobFeedSource) {}

  /** Calls `listener` with each new state of job `id` after `known` (the state the caller has); the function stops it. */
  watch(id: string, listener: Listener, known?: Job): () => void {
    if (known && !this.stamps.has(id)) this.stamps.set(id, Date.parse(known.updatedAt));
    const set = this.listeners.get(id) ?? new Set();
    this.listeners.set(id, set);
    set.add(listener);
    if (this.listeners.size === 1 && set.size === 1) this.start();
    return () => {
      const current = this.listeners.get(id);
      if (!current?.delete(listener)) return;
      if (current.size === 0) {
        this.listeners.delete(id);
        this.stamps.delete(id);
      }
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Jobs watched now (for metrics and tests). */
  get watched(): number {
    return this.listeners.size;
  }

  /** Looks for changes now rather than at the next tick (another daemon announced one). */
  poke(): void {
    if (this.listeners.size > 0) void this.tick();
  }

  close(): void {
    this.listeners.clear();
    this.stop();
  }

  private start(): void {
    this.source.events.on("job", this.onJob);
    this.timer = setInterval(() => void this.tick(), this.source.intervalMs);
    this.timer.unref();
  }

  private stop(): void {
    this.source.events.off("job", this.onJob);
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private deliver(job: Job): void {
    const set = this.listeners.get(job.id);
    if (!set) return;
    this.stamps.set(job.id, Math.max(this.stamps.get(job.id) ?? 0, Date.parse(job.updatedAt)));
    for (const listener of [...set]) listener(job);
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.listeners.size === 0) return;
    this.ticking = true;
    try {
      const ids = [...this.listeners.keys()];
      const stamps = await this.source.changeStamps(ids);
      const changed = ids.filter((id) => {
        const stamp = stamps.get(id);
        return stamp !== undefined && stamp > (this.stamps.get(id) ?? -1);
      });
      for (const id of changed) {
        const job = await this.source.load(id).catch(() => undefined);
        if (job) this.deliver(job);
      }
    } catch {
      // The next tick asks again.
    } finally {
      this.ticking = false;
    }
  }
}
