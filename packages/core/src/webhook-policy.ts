import net from "node:net";
import { describeKind, refusedKind, type AddressPolicy } from "./outbound-address.js";

/** Where webhooks may go: `webhooks.allowPrivateAddresses` and `webhooks.allowedHosts`. */
export interface WebhookPolicy extends AddressPolicy {
  /** `host` or `host:port`; when any are given, only those receive webhooks. */
  allowedHosts?: readonly string[] | undefined;
}

/** The URL's host without IPv6 brackets: what a resolver and `net.isIP` take. */
export const bareHostname = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, "$1");

const effectivePort = (url: URL): number => Number(url.port || (url.protocol === "https:" ? 443 : 80));

/** A host compared the way the URL parser writes it: lowercase, punycode, IPv4 normalised, no final dot. */
const comparableHost = (host: string): string => host.toLowerCase().replace(/\.$/, "");

function allowedHostMatches(entry: string, url: URL): boolean {
  if (!URL.canParse(`http://${entry}`)) return false;
  const parsed = new URL(`http://${entry}`);
  if (comparableHost(parsed.hostname) !== comparableHost(url.hostname)) return false;
  // The URL parser drops a port that is the scheme's default, so an explicit one is read from the entry itself.
  const port = /:(\d+)$/.exec(entry)?.[1];
  return port === undefined || Number(port) === effectivePort(url);
}

/**
 * What is wrong with a webhook URL before anything is resolved, as a phrase that follows the field name
 * (`webhookUrl must …`), or undefined when it may be tried. Never repeats the URL's credentials, path or query.
 */
export function webhookUrlProblem(url: URL, policy: WebhookPolicy): string | undefined {
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must be an http(s) URL";
  // A password in a URL ends up in logs and in every copy of the job; the receiver can check the signature instead.
  if (url.username !== "" || url.password !== "") return "must not carry a user name or password";
  const host = bareHostname(url);
  if (net.isIP(host) !== 0) {
    const kind = refusedKind(host, policy);
    if (kind) return `must not point at ${describeKind(kind)} (${host})`;
  }
  if (
    policy.allowedHosts &&
    policy.allowedHosts.length > 0 &&
    !policy.allowedHosts.some((entry) => allowedHostMatches(entry, url))
  ) {
    return `must name a host in webhooks.allowedHosts (${url.host} is not one)`;
  }
  return undefined;
}

/** `scheme://host:port` of a webhook URL: all of it that logs and messages may carry. */
export function webhookOrigin(raw: string): string {
  if (!URL.canParse(raw)) return "(an invalid URL)";
  const url = new URL(raw);
  return `${url.protocol}//${url.hostname}:${effectivePort(url)}`;
}
