import { z } from "zod";
import { setting } from "../setting.js";
import { milliseconds } from "./setting-shapes.js";

export const queueSchema = z.strictObject({
  concurrency: setting(z.number().int().min(1).max(16).default(1), {
    doc: "Jobs a worker runs at once (bounded by browser.pageCount).",
  }),
  maxQueued: setting(z.number().int().min(1).default(1000), {
    doc: "Jobs waiting at once; more are refused with QUEUE_FULL.",
  }),
  maxAttempts: setting(z.number().int().min(1).max(20).default(3), { doc: "Tries of one job before it fails." }),
  backoffBaseMs: milliseconds(2_000, "First retry delay; doubled each attempt, with full jitter."),
  backoffMaxMs: milliseconds(120_000, "Longest retry delay."),
  leaseMs: milliseconds(
    10_000,
    "A running job's lease: its worker renews it every third of this while it works (a heartbeat); a daemon that stops renewing (killed, frozen, cut off from the database) loses its jobs after this long, and another daemon takes each over from its submission record, never submitting again.",
  ),
  pollIntervalMs: milliseconds(500, "How often an idle worker looks for work."),
  pauseRecheckMs: milliseconds(
    30_000,
    "While a session problem (expired, challenge, quota) pauses the queue, the first wait before the session is checked again; each further wait doubles, up to pauseRecheckMaxMs. A check reads the balance through the page already open on the site and loads nothing.",
  ),
  pauseRecheckMaxMs: milliseconds(300_000, "The longest wait between two checks of a paused queue."),
  retentionDays: setting(z.number().int().min(1).max(36_500).default(30), {
    doc: "Days an ended job (succeeded, failed, cancelled) is kept after it finished; older ones are deleted, with their delivered webhooks. Tracks are never deleted.",
  }),
  directWaitMs: milliseconds(
    300_000,
    "How long a direct (useQueue: false) call waits before handing back the still-running job.",
  ),
});
