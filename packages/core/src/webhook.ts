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

/**
 * POSTs the final job to its webhook URL, signed when a secret is configured, retried with backoff on network
 * errors and 5xx/429 answers. Refused without a connection when the URL or any address its host resolves to is
 * outside the policy; a redirect is a failure, never followed. Resolves to whether it was delivered; never throws.
 * Logs carry the URL's origin only: its path, query and credentials may be secrets.
 */
export async function deliverWebhook(job: Job, options: WebhookDeliveryOptions): Promise<boolean> {
  const logger = options.logger ?? silentLogger;
  if (!job.webhookUrl) return false;
  const webhook = webhookOrigin(job.webhookUrl);
  const policy = options.policy ?? {};
  const body = JSON.stringify({ type: `job.${job.status}`, job });
  try {
    // Jobs queued before the policy (or under another daemon's) are held to it here as well.
    if (!URL.canParse(job.webhookUrl)) throw refusal("the URL is not valid");
    const url = new URL(job.webhookUrl);
    const problem = webhookUrlProblem(url, policy);
    if (problem) throw refusal(`the URL ${problem}`);
    await retry(
      async (attempt) => {
        const timestamp = String(Math.floor(Date.now() / 1000));
        const headers: Record<string, string> = {
          "content-type": "application/json",
          "user-agent": "producer-webhook/1",
          [TIMESTAMP_HEADER]: timestamp,
          "x-producer-delivery-attempt": String(attempt),
        };
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
      },
      { maxAttempts: options.maxAttempts, baseDelayMs: options.baseDelayMs ?? 1000, maxDelayMs: 60_000 },
    );
    logger.info({ jobId: job.id, webhook }, "webhook delivered");
    return true;
  } catch (error) {
    const message = (error as Error).message;
    if (isRefusal(error)) logger.warn({ jobId: job.id, webhook, error: message }, message);
    else logger.warn({ jobId: job.id, webhook, error: message }, "webhook delivery failed");
    return false;
  }
}
