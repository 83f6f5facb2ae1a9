import { RateLimitedError } from "@producer/utils";

/**
 * Counts the event streams held open, in all and per client, and refuses one past either cap: each open
 * stream holds a connection and a watcher, and nothing else bounds how many a client may open.
 */
export class StreamLimits {
  private total = 0;
  private readonly byClient = new Map<string, number>();

  constructor(private readonly caps: { total: number; perClient: number }) {}

  get open(): number {
    return this.total;
  }

  /** Takes a place for `client`'s new stream; the function gives it back (once). */
  take(client: string): () => void {
    const held = this.byClient.get(client) ?? 0;
    if (this.total >= this.caps.total) {
      throw new RateLimitedError(
        `${this.total} event streams are open, the most this daemon keeps (daemon.maxEventStreams); close one or poll the job.`,
        {
          details: { retryAfterMs: 5000, open: this.total },
        },
      );
    }
    if (held >= this.caps.perClient) {
      throw new RateLimitedError(
        `This client holds ${held} event streams, the most one may (daemon.maxEventStreamsPerClient); close one or poll the job.`,
        {
          details: { retryAfterMs: 5000, open: held },
        },
      );
    }
    this.total += 1;
    this.byClient.set(client, held + 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.total -= 1;
      const left = (this.byClient.get(client) ?? 1) - 1;
      if (left <= 0) this.byClient.delete(client);
      else this.byClient.set(client, left);
    };
  }
}
