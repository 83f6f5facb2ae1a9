import { describe, expect, it } from "vitest";
import type { Job } from "./job.js";
import { JobEvents } from "./job-events.js";
import { JobFeed } from "./job-feed.js";
import { toJob } from "./store/job-row.js";
import { sqliteJobStores } from "./store/job-store.test-helper.js";

/** Each store is a connection of its own to one SQLite file, as another process would have. */
const store = sqliteJobStores("job-feed-");

describe("JobFeed", () => {
  it("tells thousands of watchers of a change made by another process with one query a tick", async () => {
    const [here, elsewhere] = [await store(), await store()];
    const { row } = await here.insert({
      input: { prompt: "watched", instrumental: false, format: "wav", priority: 0 },
      maxAttempts: 3,
      maxQueued: 10,
      retryAfterMs: async () => 1000,
    });
    let queries = 0;
    const feed = new JobFeed({
      events: new JobEvents(),
      changeStamps: (ids) => {
        queries += 1;
        return here.changeStamps(ids);
      },
      load: async (id) => toJob(await here.get(id)),
      intervalMs: 100,
    });
    const known = toJob(row);
    const seen: Job[][] = Array.from({ length: 3000 }, () => []);
    const stops = seen.map((list) => feed.watch(row.id, (job) => list.push(job), known));
    await new Promise((resolve) => setTimeout(resolve, 350));
    // Nothing changed yet: no watcher hears anything, however many ticks ran.
    expect(seen.every((list) => list.length === 0)).toBe(true);
    const ticks = queries;
    expect(ticks).toBeGreaterThanOrEqual(1);
    expect(ticks).toBeLessThanOrEqual(5);
    await new Promise((resolve) => setTimeout(resolve, 5)); // a later millisecond than the insert
    await elsewhere.requestCancel(row.id);
    await expect.poll(() => seen.every((list) => list.at(-1)?.status === "cancelled"), { timeout: 5000 }).toBe(true);
    expect(seen.every((list) => list.length === 1)).toBe(true);
    for (const stop of stops) stop();
    expect(feed.watched).toBe(0);
    const after = queries;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(queries).toBe(after); // no watcher, no query
    feed.close();
  });

  it("passes on this process's own events at once, to the watchers of that job only", async () => {
    const events = new JobEvents();
    const jobs = await store();
    const feed = new JobFeed({
      events,
      changeStamps: (ids) => jobs.changeStamps(ids),
      load: async (id) => toJob(await jobs.get(id)),
      intervalMs: 60_000,
    });
    const heard: string[] = [];
    const stop = feed.watch("a", (job) => heard.push(`${job.id}:${job.status}`));
    events.emit("job", { id: "b", status: "generating", updatedAt: new Date().toISOString() } as Job);
    events.emit("job", { id: "a", status: "downloading", updatedAt: new Date().toISOString() } as Job);
    expect(heard).toEqual(["a:downloading"]);
    stop();
    expect(events.listenerCount("job")).toBe(0);
    feed.close();
  });
});
