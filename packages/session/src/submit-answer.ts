import type { GenerationCall } from "./page-traffic.js";

/**
 * Browser network errors that prove the generation request never reached the site. Any other failure (a reset,
 * an empty reply, an abort when Chromium died) may come after the site took it, and is treated as taken.
 */
const NOT_DELIVERED =
  /ERR_(CONNECTION_REFUSED|NAME_NOT_RESOLVED|NAME_RESOLUTION_FAILED|INTERNET_DISCONNECTED|ADDRESS_UNREACHABLE|BLOCKED_BY_CLIENT|PROXY_CONNECTION_FAILED)\b/;
/** Gateway answers: the site behind the gateway may have taken the request anyway. */
const GATEWAY_STATUSES = new Set([502, 504]);

/** What the site's answer to one press of the submit control means for the money. */
export type SubmitAnswer =
  /** Taken: the generation is the site's job `jobId`. */
  | { outcome: "accepted"; jobId: string }
  /** HTTP 429: the site is busy; nothing was taken. Wait `retryAfterSecs` (when given) and press again. */
  | { outcome: "busy"; retryAfterSecs: number | undefined }
  /** HTTP 402: out of credits; nothing was taken. */
  | { outcome: "out-of-credits" }
  /** The site refused it (any other status); nothing was made. */
  | { outcome: "refused"; httpStatus: number | undefined }
  /** The request never left the browser (a network error that proves it). */
  | { outcome: "never-delivered"; failure: string }
  /** The site may have taken it but its answer was lost: look for its songs, never send it again. */
  | { outcome: "answer-lost"; what: string };

/** Classifies the answer to one generation call, as the page saw it. */
export function classifySubmitAnswer(call: GenerationCall): SubmitAnswer {
  if (call.failed !== undefined) {
    return NOT_DELIVERED.test(call.failed)
      ? { outcome: "never-delivered", failure: call.failed }
      : { outcome: "answer-lost", what: `the request failed on its way back (${call.failed})` };
  }
  const status = call.status;
  if (status === 429) return { outcome: "busy", retryAfterSecs: call.retryAfterSecs };
  if (status === 402) return { outcome: "out-of-credits" };
  if (status !== undefined && status >= 200 && status < 300 && call.jobId)
    return { outcome: "accepted", jobId: call.jobId };
  if (status !== undefined && ((status >= 200 && status < 300) || GATEWAY_STATUSES.has(status))) {
    return { outcome: "answer-lost", what: `HTTP ${status} came back without a readable answer` };
  }
  return { outcome: "refused", httpStatus: status };
}
