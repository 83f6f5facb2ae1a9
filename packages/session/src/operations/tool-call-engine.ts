import { randomUUID } from "node:crypto";
import { GenerationMayExistError, QuotaExhaustedError, SiteChangedError, type SubmissionRecord } from "@producer/utils";
import type { FlowContext } from "../flow-context.js";
import { songsFromStream, toolContentFromStream } from "../generation-stream.js";
import type { InPageAnswer } from "../page-helpers.js";
import type { GenerationCall } from "../page-traffic.js";
import { text, type ToolReturn } from "../site-answers.js";
import { Submitter } from "../submitter.js";

/** The conversation an account's tool calls are sent in: kept for the next call, as the app's clients keep one. */
export class ConversationHolder {
  id: string | undefined;
}

/** A busy answer to a call that makes nothing (a recipe, a conversation) is asked again this many times. */
const BUSY_TRIES = 4;
const BUSY_WAIT_MAX_MS = 30_000;

/**
 * Speaks the app's own traffic from inside the warm, signed-in page, with its Bearer: sends one tool call
 * (`{ conversation_id, part: { tool_name, args, part_kind: "tool-call", tool_call_id }, client_context }`) to the
 * profile's `api.compose`, and reads what the tool returned from the job's message stream. The send goes through
 * the same submitter as a press of Generate: recorded as `sending` before it leaves, `accepted` with the site's
 * job id, a 429 waited out, a 402 or a refusal recorded as `refused` (nothing spent).
 */
export class ToolCallEngine {
  private readonly submitter: Submitter;
  /** A conversation made for the call being sent, to go on its record. */
  private made: string | undefined;

  constructor(
    private readonly context: FlowContext,
    private readonly conversation: ConversationHolder,
  ) {
    this.submitter = new Submitter(context);
  }

  /**
   * Sends the tool call once (again only when the site took nothing: a 429, or a conversation it no longer
   * knows) and answers its job id; `record` is kept through `context.record` before and after. `clientContext`
   * is laid over the profile's `toolCalls.clientContext`.
   */
  async send(
    toolName: string,
    args: Record<string, unknown>,
    record: SubmissionRecord,
    clientContext: Record<string, unknown> = {},
  ): Promise<string> {
    const body = (conversationId: string) => ({
      conversation_id: conversationId,
      part: { tool_name: toolName, args, part_kind: "tool-call", tool_call_id: randomUUID() },
      client_context: this.clientContext(clientContext),
    });
    await this.submitter.submit(record, "compose", () => this.post("compose", body, record));
    return record.siteJobId as string;
  }

  /**
   * A chat message to the app's agent (`api.chat`: `{ conversation_id, parts: [{ content, part_kind:
   * "user-prompt" }], client_context, …extra }`), sent once as `send` sends a tool call, in a conversation of its
   * own (the agent reads a conversation's earlier messages too); answers the site's job id.
   */
  async chat(
    content: string,
    record: SubmissionRecord,
    clientContext: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ): Promise<string> {
    const conversationId = await this.newConversation();
    record.conversationMade = conversationId;
    const body = () => ({
      conversation_id: conversationId,
      parts: [{ content, part_kind: "user-prompt" }],
      client_context: this.clientContext(clientContext),
      ...extra,
    });
    await this.submitter.submit(record, "chat", () => this.post("chat", body, record, false));
    return record.siteJobId as string;
  }

  /** What the tool returned, from its job's stream; a stream that names nothing in time may still have made it. */
  async toolReturn(jobId: string, toolName: string, record: SubmissionRecord): Promise<ToolReturn> {
    const named = await songsFromStream(this.context, jobId, this.context.site.timeouts.songStartMs, toolName);
    if (named) return named;
    throw new GenerationMayExistError(
      `The site took the ${toolName} call (job ${jobId}) but its stream named no clip within ${this.context.site.timeouts.songStartMs} ms.`,
      { details: { step: "generation", siteJobId: jobId, submittedAt: record.submittedAt } },
    );
  }

  /**
   * A tool call whose answer is content, not songs (`lyrics__create`, `image__create_image`, `audio__caption`):
   * sent once as `send` sends, and the content of its tool-return. A stream that returns nothing in time may
   * still have done the work: `GenerationMayExistError`, never a second send.
   */
  async ask(
    toolName: string,
    args: Record<string, unknown>,
    record: SubmissionRecord,
    clientContext: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>> {
    const jobId = await this.send(toolName, args, record, clientContext);
    const timeoutMs = this.context.site.timeouts.songStartMs;
    const content = await toolContentFromStream(this.context, jobId, timeoutMs, toolName);
    if (content) return content;
    throw new GenerationMayExistError(
      `The site took the ${toolName} call (job ${jobId}) but its stream returned nothing within ${timeoutMs} ms.`,
      { details: { step: "tool", siteJobId: jobId, submittedAt: record.submittedAt } },
    );
  }

  /**
   * A call that makes nothing by itself (a recipe): its JSON answer, a 429 waited out. A 422 ("Field required")
   * means the body the profile gives no longer fits the site: SITE_CHANGED naming the profile key.
   */
  async prepare(
    apiKey: string,
    body: Record<string, unknown>,
    profileKeys: string[],
  ): Promise<Record<string, unknown>> {
    for (let attempt = 1; ; attempt += 1) {
      const answer = await this.context.traffic.fetchJson(apiKey, { method: "POST", body });
      if (!answer) throw this.missingPath(apiKey);
      if (answer.status === 429 && attempt < BUSY_TRIES) {
        await this.context.sleep(busyWaitMs(answer));
        continue;
      }
      if (answer.status === 402) {
        throw new QuotaExhaustedError("The site refused the operation: the account is out of credits (HTTP 402).", {
          details: { step: "submit", httpStatus: 402 },
        });
      }
      const json = answer.json as Record<string, unknown> | null;
      if (answer.status >= 200 && answer.status < 300 && json) return json;
      throw this.refusal(apiKey, answer, profileKeys);
    }
  }

  /** The SITE_CHANGED a refused body stands for: the site's reason and the profile keys that wrote the body. */
  refusal(apiKey: string, answer: InPageAnswer, profileKeys: string[]): SiteChangedError {
    const reason = detailOf(answer.json);
    return new SiteChangedError(
      `The site refused the body of ${this.context.site.api[apiKey]} (HTTP ${answer.status}${reason ? `: ${reason}` : ""}); nothing was made or spent. Check the profile's ${[`api.${apiKey}`, ...profileKeys].join(", ")}.`,
      {
        details: {
          step: "submit",
          httpStatus: answer.status,
          profileKeys: [`api.${apiKey}`, ...profileKeys],
          siteReason: reason ?? null,
        },
      },
    );
  }

  /**
   * One send of a call to `apiKey`, as the page's network saw it; a call the site no longer knows the kept
   * conversation of is sent once more in a new one.
   */
  private async post(
    apiKey: "compose" | "chat",
    body: (conversationId: string) => Record<string, unknown>,
    record: SubmissionRecord,
    inKeptConversation = true,
  ): Promise<GenerationCall> {
    const kept = inKeptConversation && this.conversation.id !== undefined;
    const conversationId = () => (inKeptConversation ? this.conversationId() : Promise.resolve(""));
    let call = await this.postOnce(apiKey, body(await conversationId()));
    if (kept && (call.status === 404 || call.status === 403)) {
      // The kept conversation is gone (or not this login's): nothing was made; a new one takes the call.
      this.conversation.id = undefined;
      this.context.logger.info({ httpStatus: call.status }, "the kept conversation is gone; sending in a new one");
      call = await this.postOnce(apiKey, body(await conversationId()));
    }
    if (this.made) {
      record.conversationMade = this.made;
      this.made = undefined;
    }
    if (call.status === 422) {
      const refusal = `HTTP 422: ${detailOf(call.body) ?? "the site refused the call's body"}`;
      await this.context.record({ ...record, state: "refused", refusal });
      const keys =
        apiKey === "chat"
          ? ["toolCalls.reference", "toolCalls.clientContext"]
          : [`tools`, "toolCalls.clientContext", "toolCalls.nodes"];
      throw this.refusal(apiKey, { status: 422, json: call.body, retryAfter: null }, keys);
    }
    return call;
  }

  private clientContext(over: Record<string, unknown>): Record<string, unknown> {
    return { ...structuredClone(this.context.site.toolCalls?.clientContext ?? {}), ...over };
  }

  private async postOnce(apiKey: "compose" | "chat", body: Record<string, unknown>): Promise<GenerationCall> {
    const call: GenerationCall = {
      kind: apiKey === "chat" ? "chat" : "tool",
      body,
      status: undefined,
      jobId: undefined,
      retryAfterSecs: undefined,
      failed: undefined,
    };
    try {
      const answer = await this.context.traffic.fetchJson(apiKey, { method: "POST", body });
      if (!answer) throw this.missingPath(apiKey);
      call.status = answer.status;
      call.jobId = text((answer.json as Record<string, unknown> | null)?.job_id);
      const retryAfter = Number(answer.retryAfter);
      if (answer.retryAfter !== null && Number.isFinite(retryAfter)) call.retryAfterSecs = retryAfter;
      // The answer's body, for the reason of a refusal.
      if (call.jobId === undefined) call.body = { ...(answer.json as object) };
    } catch (error) {
      if (error instanceof SiteChangedError) throw error;
      // The in-page fetch threw: the request may have left. Its text says whether it provably did not.
      call.failed = error instanceof Error ? error.message : String(error);
    }
    return call;
  }

  /** The account's conversation: the one kept, or one made now. */
  private async conversationId(): Promise<string> {
    if (this.conversation.id) return this.conversation.id;
    const id = await this.newConversation();
    this.conversation.id = id;
    this.made = id;
    return id;
  }

  /** A new conversation (`{ project_id }` → `{ conversation_id }`). */
  private async newConversation(): Promise<string> {
    const json = await this.prepare("conversationCreate", { project_id: null }, []);
    const id = text(json.conversation_id);
    if (!id) {
      throw new SiteChangedError("The site's answer to a new conversation named no conversation_id.", {
        details: { step: "submit", profileKeys: ["api.conversationCreate"], answerKeys: Object.keys(json) },
      });
    }
    return id;
  }

  private missingPath(apiKey: string): SiteChangedError {
    return new SiteChangedError(`The ${this.context.site.profile} profile names no api.${apiKey}.`, {
      details: { step: "submit", profileKeys: [`api.${apiKey}`] },
    });
  }
}

function busyWaitMs(answer: InPageAnswer): number {
  const seconds = Number(answer.retryAfter);
  return Math.min(BUSY_WAIT_MAX_MS, Math.max(1000, Number.isFinite(seconds) ? seconds * 1000 : 5000));
}

/** A FastAPI refusal's reason: `detail` as text, or the first item's `msg` and where (`Field required: body.recipe`). */
function detailOf(json: unknown): string | undefined {
  const detail = (json as { detail?: unknown } | null)?.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail) && detail.length > 0) {
    const first = detail[0] as { msg?: unknown; loc?: unknown };
    const where = Array.isArray(first.loc) ? first.loc.join(".") : undefined;
    return typeof first.msg === "string" ? `${first.msg}${where ? ` (${where})` : ""}` : undefined;
  }
  const message = (json as { message?: unknown; error?: unknown } | null)?.message;
  return typeof message === "string" ? message : undefined;
}
