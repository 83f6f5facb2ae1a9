import { createHmac } from "node:crypto";
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { abortReason, retry, silentLogger, UnavailableError, type Logger } from "@producer/utils";
import type { Job } from "./job.js";
import { describeKind, refusedKind } from "./outbound-address.js";
import { bareHostname, webhookOrigin, webhookUrlProblem, type WebhookPolicy } from "./webhook-policy.js";

export const SIGNATURE_HEADER = "x-producer-signature";
export const TIMESTAMP_HEADER = "x-producer-timestamp";

/** `sha256=<hex HMAC of "<timestamp>.<body>">`: the receiver recomputes it with the shared secret. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export interface WebhookDeliveryOptions {
  secret: string | undefined;
  maxAttempts: number;
  timeoutMs: number;
  logger?: Logger;
  baseDelayMs?: number;
  /** Where webhooks may go (`webhooks.allowPrivateAddresses`, `webhooks.allowedHosts`); only public addresses without it. */
  policy?: WebhookPolicy;
}

/** A delivery the policy forbids: failed at once, never retried, logged with the reason. */
const refusal = (reason: string) =>
  new UnavailableError(`webhook refused: ${reason}`, { retryable: false, details: { refused: true } });

const isRefusal = (error: unknown) => UnavailableError.isInstance(error) && error.details.refused === true;

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * Every address the host stands for, each checked: one refused address refuses the host, since a resolver may
 * hand out any of them and a rebinding name mixes a public address with an internal one.
 */
async function resolveChecked(url: URL, policy: WebhookPolicy, signal: AbortSignal): Promise<dns.LookupAddress[]> {
  const host = bareHostname(url);
  const family = net.isIP(host);
  const addresses =
    family !== 0 ? [{ address: host, family }] : await untilAborted(dns.promises.lookup(host, { all: true }), signal);
  if (addresses.length === 0) throw new UnavailableError(`${host} has no address`);
  for (const { address } of addresses) {
    const kind = refusedKind(address, policy);
    if (!kind) continue;
    throw refusal(
      family !== 0 ? `${host} is ${describeKind(kind)}` : `${host} resolves to ${describeKind(kind)} (${address})`,
    );
  }
  return addresses;
}

/**
 * One POST to the addresses already checked: the connection asks no resolver again, so a name that changes its
 * answer after the check still cannot lead elsewhere. The Host header and TLS server name stay the URL's name.
 * No agent: a pooled socket could have been opened by someone else, to somewhere unchecked.
 */
function post(
  url: URL,
  addresses: dns.LookupAddress[],
  headers: Record<string, string>,
  body: string,
  signal: AbortSignal,
): Promise<number> {
  const pinned: net.LookupFunction = (_hostname, options, callback) => {
    const [first] = addresses as [dns.LookupAddress];
    if (options.all) callback(null, addresses);
    else callback(null, first.address, first.family);
  };
  const host = bareHostname(url);
  const secure = url.protocol === "https:";
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(
      url,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        lookup: pinned,
        agent: false,
        signal,
        ...(secure && net.isIP(host) === 0 ? { servername: host } : {}),
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

/** Which delivery this is: the same id on every attempt, so a receiver can drop what it already has. */
export interface WebhookDeliveryId {
  id: string;
  /** The end told: `job.succeeded`, `job.failed` or `job.cancelled`. */
  event: string;
}

export const DELIVERY_HEADER = "x-producer-delivery";

/** The body posted for a job's end; with a delivery, its id too. */
export function webhookBody(job: Job, delivery?: WebhookDeliveryId): string {
  if (!delivery) return JSON.stringify({ type: `job.${job.status}`, job });
  return JSON.stringify({ type: delivery.event, deliveryId: delivery.id, job });
}

/** A delivery the policy forbids (never worth another try). */
export const isWebhookRefusal = isRefusal;

/**
 * One attempt: resolves when the receiver answered 2xx; throws a refusal (outside the policy, no connection
 * made), or an `UnavailableError` retryable on network errors and 5xx/429 answers. A redirect is a failure, never
 * followed.
 */
export async function postWebhook(
  webhookUrl: string,
  body: string,
  attempt: number,
  options: Pick<WebhookDeliveryOptions, "secret" | "timeoutMs" | "policy"> & { deliveryId?: string },
): Promise<void> {
  const webhook = webhookOrigin(webhookUrl);
  const policy = options.policy ?? {};
  // Jobs queued before the policy (or under another daemon's) are held to it here as well.
  if (!URL.canParse(webhookUrl)) throw refusal("the URL is not valid");
  const url = new URL(webhookUrl);
  const problem = webhookUrlProblem(url, policy);
  if (problem) throw refusal(`the URL ${problem}`);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "producer-webhook/1",
    [TIMESTAMP_HEADER]: timestamp,
    "x-producer-delivery-attempt": String(attempt),
  };
  // Both the Standard Webhooks name and this daemon's own: either lets a receiver drop a repeat.
  if (options.deliveryId) headers[DELIVERY_HEADER] = headers["webhook-id"] = options.deliveryId;
  if (options.secret) headers[SIGNATURE_HEADER] = signWebhook(options.secret, timestamp, body);
  const signal = AbortSignal.timeout(options.timeoutMs);
  let status: number;
  try {
    status = await post(url, await resolveChecked(url, policy, signal), headers, body, signal);
  } catch (error) {
    if (isRefusal(error)) throw error;
    throw new UnavailableError(`Webhook ${webhook} unreachable: ${(error as Error).message}`, { cause: error });
  }
  if (status >= 200 && status < 300) return;
  if (status >= 300 && status < 400) {
    // Following would re-POST (307/308) to wherever the receiver points, past every check made above.
    throw new UnavailableError(`Webhook answered HTTP ${status}; redirects are not followed`, {
      retryable: false,
    });
  }
  throw new UnavailableError(`Webhook answered HTTP ${status}`, { retryable: status >= 500 || status === 429 });
}

/** Logs how a delivery ended; with the URL's origin only, since its path, query and credentials may be secrets. */
export function logWebhookEnd(logger: Logger, jobId: string, webhookUrl: string, error?: unknown): void {
  const webhook = webhookOrigin(webhookUrl);
  if (error === undefined) {
    logger.info({ jobId, webhook }, "webhook delivered");
    return;
  }
  const message = (error as Error).message;
  if (isRefusal(error)) logger.warn({ jobId, webhook, error: message }, message);
  else logger.warn({ jobId, webhook, error: message }, "webhook delivery failed");
}

/**
 * POSTs the final job to its webhook URL in this process, signed when a secret is configured, retried with
 * backoff on network errors and 5xx/429 answers (see `postWebhook`). Resolves to whether it was delivered; never
 * throws. The daemon delivers through its outbox instead (`WebhookOutbox`), which outlives a crash.
 */
export async function deliverWebhook(job: Job, options: WebhookDeliveryOptions): Promise<boolean> {
  const logger = options.logger ?? silentLogger;
  const { webhookUrl } = job;
  if (!webhookUrl) return false;
  const body = webhookBody(job);
  try {
    await retry((attempt) => postWebhook(webhookUrl, body, attempt, options), {
      maxAttempts: options.maxAttempts,
      baseDelayMs: options.baseDelayMs ?? 1000,
      maxDelayMs: 60_000,
    });
    logWebhookEnd(logger, job.id, webhookUrl);
    return true;
  } catch (error) {
    logWebhookEnd(logger, job.id, webhookUrl, error);
    return false;
  }
}
