import { randomUUID } from "node:crypto";
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";

/** One server-sent event of a job's stream, numbered from 1 (what `last_id` counts). */
interface JobEvent {
  id: number;
  event: string;
  data: string;
}

/**
 * A job: what one generation call or chat message started. Its events are made on the server's own clock
 * (whether anyone reads or not) and kept, so a reader that connects late with `last_id=0` gets them all again.
 */
export class FlowJob {
  readonly id = randomUUID();
  readonly events: JobEvent[] = [];
  ended = false;
  private readonly listeners = new Set<() => void>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(readonly account: string) {}

  push(event: string, data: unknown): void {
    if (this.ended) return;
    this.events.push({ id: this.events.length + 1, event, data: JSON.stringify(data) });
    this.notify();
  }

  /** Ends the stream after the events sent so far (the reader's connection closes). */
  end(): void {
    this.ended = true;
    this.notify();
  }

  /** Runs `step` after `delayMs`; timers never keep the process alive. */
  later(delayMs: number, step: () => void): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        step();
      },
      Math.max(0, delayMs),
    );
    timer.unref();
    this.timers.add(timer);
  }

  cancelTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/**
 * `GET /__api/messages/<job_id>/stream?last_id=N`: every event after N, then the new ones as they come, with
 * keep-alive comments in between; it closes only when the job ends (a chat's never does).
 */
export function streamJob(c: Context, job: FlowJob, heldRequests: Set<() => void>, keepAliveMs = 1000) {
  const lastId = Number(c.req.query("last_id") ?? 0) || 0;
  return streamSSE(c, async (stream) => {
    let sent = lastId;
    let closed = false;
    let wake: (() => void) | undefined;
    const release = () => {
      closed = true;
      wake?.();
    };
    heldRequests.add(release);
    stream.onAbort(release);
    const unsubscribe = job.onChange(() => wake?.());
    const ping = setInterval(() => void stream.write(": keep-alive\n\n").catch(release), keepAliveMs);
    try {
      while (!closed) {
        for (const event of job.events.slice(sent)) {
          await stream.writeSSE({ id: String(event.id), event: event.event, data: event.data });
          sent = event.id;
        }
        if (job.ended && sent >= job.events.length) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (closed || job.events.length > sent || job.ended) resolve();
        });
        wake = undefined;
      }
    } finally {
      clearInterval(ping);
      unsubscribe();
      heldRequests.delete(release);
    }
  });
}
