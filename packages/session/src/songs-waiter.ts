import { GenerationFailedError, TimeoutError } from "@producer/utils";
import type { FlowContext } from "./flow-context.js";
import type { ClipState, OperationState } from "./site-answers.js";

/**
 * The clips are fetched inside the page while its own polling says nothing new: first after FIRST_POLL_MS,
 * then at twice the gap each time, up to MAX_POLL_MS apart (the page itself polls every 3–4 s) — and at once
 * when the page's own status poll says one of our operations is complete, which is the event to act on. When
 * the tool-return gave an estimate, one fetch lands on it, and from then on they come DUE_POLL_MS apart for
 * DUE_WINDOW_MS: the songs are most likely done then, and a second there is a second of the user's.
 */
const FIRST_POLL_MS = 100;
const MAX_POLL_MS = 1_000;
const DUE_POLL_MS = 200;
const DUE_WINDOW_MS = 3_000;

/** The gap before the next fetch of the clips, `now` the time of this one. */
export function nextClipsPoll(gap: number, now: number, expectedAt?: number): number {
  if (expectedAt !== undefined && now >= expectedAt - DUE_POLL_MS && now < expectedAt + DUE_WINDOW_MS)
    return DUE_POLL_MS;
  const doubled = Math.min(gap * 2, MAX_POLL_MS);
  return expectedAt !== undefined && now < expectedAt ? Math.min(doubled, expectedAt - now) : doubled;
}

/**
 * Waits for a generation's songs to settle, reading `/__api/clips` (the page's own answers, or asked inside the
 * page): a song is done when its clip has `audio_url` and a completed duration, failed when it is deleted or its
 * duration failed. An operation whose status reports an error ends the wait at once with the site's reason.
 */
export class SongsWaiter {
  constructor(private readonly context: FlowContext) {}

  /** `expectedAt`: when the site expects the songs done (the tool-return's `estimated_time` after it came). */
  async settled(clipIds: string[], step: string, opIds: string[] = [], expectedAt?: number): Promise<ClipState[]> {
    const { traffic, site, signal } = this.context;
    let gap = FIRST_POLL_MS;
    let nextPoll = Date.now() + gap;
    let polls = 0;
    const announced = new Set<string>();
    // Asked at once: on a quick site the songs are done when their ids arrive.
    if (clipIds.length > 0 && !clipIds.every((id) => traffic.clips.get(id)?.done)) {
      await traffic.fetchJson("clips", { method: "POST", body: { clip_ids: clipIds } }).catch(() => undefined);
    }
    const settled = await traffic.waitFor(
      () => {
        const failed = this.failedOperation(clipIds, opIds);
        if (failed) throw this.siteFailure(failed, step);
        const clips = clipIds.map((id) => traffic.clips.get(id));
        return clips.every((clip) => clip && (clip.done || clip.failed)) ? (clips as ClipState[]) : undefined;
      },
      {
        timeoutMs: site.timeouts.generationMs,
        signal,
        pollMs: FIRST_POLL_MS,
        onPoll: async () => {
          const completed = this.completedOperations(clipIds, opIds).filter((opId) => !announced.has(opId));
          for (const opId of completed) announced.add(opId);
          if (completed.length === 0 && Date.now() < nextPoll) return;
          gap = nextClipsPoll(gap, Date.now(), expectedAt);
          nextPoll = Date.now() + gap;
          polls += 1;
          await traffic.fetchJson("clips", { method: "POST", body: { clip_ids: clipIds } });
          // The status carries the reason of a failure; asked now and then, in case the page does not poll it.
          if (polls % 4 === 0)
            for (const opId of opIds) await traffic.fetchJson("status", { suffix: encodeURIComponent(opId) });
        },
      },
    );
    if (!settled) {
      throw new TimeoutError(`The songs were not done within ${site.timeouts.generationMs} ms.`, {
        details: { step, clipIds },
      });
    }
    return settled;
  }

  /** Why none of `clips` has audio: the site's own reason when its status gives one. */
  async failure(clips: ClipState[], opIds: string[], step: string): Promise<GenerationFailedError> {
    const { traffic } = this.context;
    const ids = new Set([...opIds, ...clips.map((clip) => clip.opId).filter((id): id is string => id !== undefined)]);
    for (const opId of ids) {
      if (!traffic.operations.get(opId)?.failed)
        await traffic.fetchJson("status", { suffix: encodeURIComponent(opId) }).catch(() => undefined);
    }
    const failed = this.failedOperation(
      clips.map((clip) => clip.id),
      [...ids],
    );
    if (failed) return this.siteFailure(failed, step);
    return new GenerationFailedError(`All ${clips.length} songs of the generation came back without audio.`, {
      retryable: false,
      details: { step, songCount: clips.length, clipIds: clips.map((clip) => clip.id) },
    });
  }

  /** What the page has heard of our operations: those named, and those our clips belong to. */
  private operationsOf(clipIds: string[], opIds: string[]): OperationState[] {
    const { traffic } = this.context;
    const ours = new Set(opIds);
    for (const id of clipIds) {
      const opId = traffic.clips.get(id)?.opId;
      if (opId) ours.add(opId);
    }
    return [...ours]
      .map((opId) => traffic.operations.get(opId))
      .filter((operation): operation is OperationState => operation !== undefined);
  }

  /** Our operations the page's own status answers call complete. */
  private completedOperations(clipIds: string[], opIds: string[]): string[] {
    return this.operationsOf(clipIds, opIds)
      .filter((operation) => operation.done)
      .map((operation) => operation.opId);
  }

  private failedOperation(clipIds: string[], opIds: string[]): OperationState | undefined {
    return this.operationsOf(clipIds, opIds).find((operation) => operation.failed);
  }

  private siteFailure(operation: OperationState, step: string): GenerationFailedError {
    const reason = (operation.errorMessage ?? operation.errorType ?? operation.status).replace(/\.$/, "");
    return new GenerationFailedError(`The site says the generation failed: ${reason}.`, {
      retryable: false,
      details: {
        step,
        errorType: operation.errorType ?? null,
        errorMessage: operation.errorMessage ?? null,
        opId: operation.opId,
      },
    });
  }
}
