import type { Context } from "hono";
import type { GenerateMusicResult, ProducerService } from "@producer/core";
import { TimeoutError } from "@producer/utils";
import type { AppEnv } from "./app-deps.js";

/**
 * The answer to a new job (a generation or an operation): 202 with its place in the queue, or — with `wait` —
 * 200 with the ended job and its tracks, 202 with the running one once the wait ran out.
 */
export async function answerSubmission(
  c: Context<AppEnv>,
  service: Pick<ProducerService, "waitForJob" | "getJob">,
  result: GenerateMusicResult,
  wait: boolean | number | null | undefined,
): Promise<Response> {
  if ("job" in result) return c.json(result, result.completed ? 200 : 202);
  const waitMs = wait === true ? 600_000 : typeof wait === "number" ? wait : 0;
  c.header("location", `/v1/generations/${result.jobId}`);
  if (waitMs === 0) return c.json(result, 202);
  try {
    const job = await service.waitForJob(result.jobId, { timeoutMs: waitMs, signal: c.req.raw.signal });
    return c.json({ jobId: job.id, status: job.status, job, tracks: job.tracks, completed: true }, 200);
  } catch (error) {
    if (!TimeoutError.isInstance(error)) throw error;
    const job = await service.getJob(result.jobId);
    return c.json({ jobId: job.id, status: job.status, job, tracks: [], completed: false }, 202);
  }
}
