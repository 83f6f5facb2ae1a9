import type { CallToolResult, ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import { isTerminal, type Job, type ProducerBackend } from "@producer/core";
import { ProducerError } from "@producer/utils";
import { describeStep } from "./summaries.js";

export type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** How often a waiting tool says it is still waiting, when nothing changed. */
const HEARTBEAT_MS = 5_000;

/**
 * Waits for the job to end, at most `seconds`, then answers with the job as it is. While it waits, each change of
 * the job (and a heartbeat) goes to the caller as a progress notification whose progress is the seconds waited.
 */
export async function waitForJob(
  producer: ProducerBackend,
  jobId: string,
  seconds: number,
  extra: Extra,
): Promise<Job> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), seconds * 1000);
  const stop = () => controller.abort();
  extra.signal.addEventListener("abort", stop, { once: true });
  const started = Date.now();
  const token = extra._meta?.progressToken;
  let sent = 0;
  let last: Job | undefined;
  const notify = async (job: Job) => {
    if (token === undefined) return;
    // Progress must grow with every notification.
    sent = Math.max(sent + 0.001, Math.round((Date.now() - started) / 100) / 10);
    await extra
      .sendNotification({
        method: "notifications/progress",
        params: { progressToken: token, progress: sent, total: seconds, message: describeStep(job) },
      })
      .catch(() => undefined);
  };
  const heartbeat = setInterval(() => void (last && notify(last)), HEARTBEAT_MS);
  try {
    for await (const job of producer.watchJob(jobId, { signal: controller.signal })) {
      last = job;
      await notify(job);
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    clearInterval(heartbeat);
    extra.signal.removeEventListener("abort", stop);
  }
  // A job still running is read once more, for its position in the queue.
  return last && isTerminal(last.status) ? last : producer.getJob(jobId);
}

/** A tool's answer: text for the model, the same facts as structured content; a producer error as a tool error. */
export async function answer(work: () => Promise<{ text: string; structured: object }>): Promise<CallToolResult> {
  try {
    const { text, structured } = await work();
    return { content: [{ type: "text", text }], structuredContent: structured as Record<string, unknown> };
  } catch (error) {
    const known = ProducerError.isInstance(error);
    const code = known ? error.code : "INTERNAL";
    const message = error instanceof Error ? error.message : String(error);
    const fields = known && Array.isArray(error.details.fields) ? error.details.fields : undefined;
    return {
      isError: true,
      content: [{ type: "text", text: `${code}: ${message}` }],
      structuredContent: {
        error: { code, message, retryable: known ? error.retryable : false, ...(fields ? { fields } : {}) },
      },
    };
  }
}
