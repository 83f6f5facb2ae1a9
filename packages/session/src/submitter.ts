import {
  GenerationFailedError,
  QuotaExhaustedError,
  TimeoutError,
  UnavailableError,
  type SubmissionRecord,
} from "@producer/utils";
import type { FlowContext } from "./flow-context.js";
import { locate } from "./locators.js";
import type { GenerationCall } from "./page-traffic.js";
import { classifySubmitAnswer } from "./submit-answer.js";

/** A 429 is waited out this long at most in all, each wait at most BUSY_WAIT_MAX_MS, before the job gives up. */
const BUSY_TOTAL_MS = 120_000;
const BUSY_WAIT_MAX_MS = 30_000;
const BUSY_WAIT_DEFAULT_MS = 5_000;

/**
 * Presses the submit control and reads the site's answer. A 429 is not a submission: the record goes back
 * to "refused", the site's `retry-after` is waited (bounded) and the control pressed again. The record is
 * saved as "sending" before every press, so a crash between press and answer is looked for, never resent.
 */
export class Submitter {
  constructor(private readonly context: FlowContext) {}

  /**
   * Submits until the site takes the generation (the record then names its job) or says why not. `send`, when
   * given, makes the generation call itself (a tool call sent from inside the page) instead of pressing
   * `submitKey`.
   */
  async submit(record: SubmissionRecord, submitKey: string, send?: () => Promise<GenerationCall>): Promise<void> {
    const busySince = Date.now();
    for (;;) {
      record.state = "sending";
      delete record.refusal;
      await this.context.record(record);
      const call = send ? await send() : await this.press(record, submitKey);
      const answer = classifySubmitAnswer(call);
      switch (answer.outcome) {
        case "accepted":
          record.state = "accepted";
          record.siteJobId = answer.jobId;
          await this.context.record(record);
          return;
        case "busy": {
          await this.refuse(record, "HTTP 429: the site is busy");
          const waitMs = Math.min(
            BUSY_WAIT_MAX_MS,
            Math.max(1000, (answer.retryAfterSecs ?? BUSY_WAIT_DEFAULT_MS / 1000) * 1000),
          );
          if (Date.now() - busySince + waitMs > BUSY_TOTAL_MS) {
            throw new UnavailableError(
              `The site stayed busy ("Producer is busy helping others") for ${Math.round((Date.now() - busySince) / 1000)} s; nothing was submitted.`,
              {
                details: { step: "submit", httpStatus: 429 },
              },
            );
          }
          this.context.logger.info({ waitMs }, "the site is busy (HTTP 429); waiting as it asked, then pressing again");
          await this.context.sleep(waitMs);
          await this.context.guard.dismissOverlays();
          continue;
        }
        case "out-of-credits":
          await this.refuse(record, "HTTP 402");
          throw new QuotaExhaustedError("The site refused the generation: the account is out of credits (HTTP 402).", {
            details: { step: "submit", httpStatus: 402 },
          });
        case "never-delivered":
          await this.refuse(record, answer.failure);
          throw new UnavailableError(`The generation request never reached the site: ${answer.failure}.`, {
            details: { step: "submit" },
          });
        case "answer-lost":
          throw new UnavailableError(
            `The generation request reached the site, but ${answer.what}; its songs will be looked for, not asked for again.`,
            {
              details: { step: "submit", answerLost: true },
            },
          );
        case "refused":
          await this.refuse(record, `HTTP ${answer.httpStatus}`);
          throw new GenerationFailedError(
            `The site refused the generation request (HTTP ${answer.httpStatus}); nothing was made.`,
            {
              details: { step: "submit", httpStatus: answer.httpStatus ?? null },
            },
          );
      }
    }
  }

  /** One press of the submit control, and the generation call it made with its answer. */
  private async press(record: SubmissionRecord, submitKey: string): Promise<GenerationCall> {
    const { traffic, site, signal, actions } = this.context;
    const before = traffic.calls.length;
    const kind = submitKey === "chatSend" ? "chat" : "compose";
    await actions.click(locate(site, this.context.page, submitKey).first(), submitKey, { step: "submit" });
    const call = await traffic.waitFor<GenerationCall>(
      () =>
        traffic.calls
          .slice(before)
          .find(
            (candidate) =>
              candidate.kind === kind && (candidate.status !== undefined || candidate.failed !== undefined),
          ),
      { timeoutMs: site.timeouts.replyMs, signal },
    );
    if (call) return call;
    if (!traffic.calls.slice(before).some((candidate) => candidate.kind === kind)) {
      // The click sent nothing: the prompt never left the page.
      await this.refuse(record, "no request was sent");
      throw this.context.guard.siteChanged(submitKey, "was clicked but the page sent no generation request", {
        step: "submit",
      });
    }
    throw new TimeoutError(`The site did not answer the generation request within ${site.timeouts.replyMs} ms.`, {
      details: { step: "submit" },
    });
  }

  /**
   * Records that the site said no. A second press that is refused leaves the first, accepted press as the
   * record: its songs may still come, so a retry must look for them rather than send again.
   */
  private async refuse(record: SubmissionRecord, refusal: string): Promise<void> {
    if (record.pressedAgain && record.siteJobId) return;
    record.state = "refused";
    record.refusal = refusal;
    await this.context.record(record);
  }
}
