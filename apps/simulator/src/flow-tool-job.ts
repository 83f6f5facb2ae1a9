import { randomUUID } from "node:crypto";
import type { Context } from "hono";
import type { FlowContext } from "./flow-context.js";
import { bump, closeStream, cutAnswer, openStream, sendToolCall, type ToolPart } from "./flow-generation.js";
import type { FlowClip, FlowOperation } from "./flow-store.js";
import { FlowJob } from "./flow-stream.js";

/** A direct tool call of a song operation (an edit's render, an effect, a conversion), as the API read it. */
export interface ToolCallRequest {
  account: string;
  toolName: string;
  args: Record<string, unknown>;
  toolCallId: string;
  conversationId: string;
}

/** Counts a fault that fired on a song operation. */
export const countFault = (context: FlowContext, fault: string) => bump(context.stats().operationFaults, fault);

/** 402 "Not enough credits" before the call is taken, when the account cannot pay `price` (or `quota-exhausted` fires). */
export function refuseForCredits(
  context: FlowContext,
  c: Context,
  account: string,
  price: number,
): Response | undefined {
  const quota = context.faults.fire("quota-exhausted");
  if (quota) countFault(context, "quota-exhausted");
  if (!quota && context.store.balance(account) >= price) return undefined;
  context.stats().refusedForCredits += 1;
  return c.json({ detail: "Not enough credits. You're out of credits." }, 402);
}

/** Takes the call: a job whose stream opens and shows the call (its return comes later, or never). */
export function takeToolCall(context: FlowContext, request: ToolCallRequest): { job: FlowJob; call: ToolPart } {
  const job = new FlowJob(request.account);
  context.jobs.set(job.id, job);
  openStream(job, request.conversationId, undefined);
  const call: ToolPart = {
    part_kind: "tool-call",
    tool_name: request.toolName,
    args: request.args,
    tool_call_id: request.toolCallId,
  };
  sendToolCall(job, call);
  return { job, call };
}

/**
 * The stream's answer to bad args or a clip the tool cannot take — the facts' `error` `{ type: "tool_call_failure",
 * message: "Error while streaming parts" }` — and the end of the stream; nothing is charged.
 */
export function failToolCall(context: FlowContext, job: FlowJob, call: ToolPart, reason: string): void {
  bump(context.stats().toolFailures, call.tool_name);
  job.later(context.settings.toolReturnDelayMs, () => {
    job.push("error", { type: "tool_call_failure", message: "Error while streaming parts", raw_error: reason });
    closeStream(context, job, false);
  });
}

/** Takes `price` credits for a run of the tool and counts the run. */
export function chargeToolRun(context: FlowContext, account: string, toolName: string, price: number): void {
  const stats = context.stats();
  context.store.setBalance(account, context.store.balance(account) - price);
  stats.creditsCharged += price;
  bump(stats.toolRuns, toolName);
}

/** The call's answer: its job id — or, under `reply-lost`, an answer cut short after the call was taken and charged. */
export function answerJob(context: FlowContext, c: Context, job: FlowJob): Response | Promise<Response> {
  if (context.faults.fire("reply-lost")) {
    countFault(context, "reply-lost");
    const cut = cutAnswer(c);
    if (cut) return cut;
  }
  return c.json({ job_id: job.id });
}

/** A new clip made from `source` by an operation, with audio of its own (the audio follows the clip's id). */
export function derivedClip(
  context: FlowContext,
  source: FlowClip,
  operation: FlowOperation,
  made: { title: string; durationSecs: number; seed: number | null; effectMade?: boolean },
): FlowClip {
  return {
    id: randomUUID(),
    title: made.title,
    opId: operation.opId,
    opType: "audio__render_edit",
    account: source.account,
    durationSecs: Math.round(made.durationSecs * 100) / 100,
    audioSecs: Math.min(made.durationSecs, context.settings.maxAudioSecs),
    hasAudio: true,
    soundPrompt: source.soundPrompt,
    lyricsId: source.lyricsId,
    lyricsText: source.lyricsText,
    seed: made.seed ?? source.seed,
    createdAt: operation.createdAt,
    parentId: source.id,
    ...(made.effectMade ? { effectMade: true } : {}),
  };
}

/** The source clip an operation may take: the account's own and done (its audio exists); else why not. */
export function takeableSource(context: FlowContext, account: string, clipId: unknown): FlowClip | string {
  const source = typeof clipId === "string" ? context.store.clips.get(clipId) : undefined;
  if (!source || source.account !== account) return `clip ${String(clipId)} not found`;
  if (!context.store.isDone(source)) return `clip ${source.id} has no audio yet`;
  return source;
}
