import type { Context, MiddlewareHandler } from "hono";
import { ForbiddenError } from "@producer/utils";
import { requestSource } from "./request-source.js";

/**
 * The names a TCP request may carry in `Host` (and in `Origin`, when a browser sends one): the loopback names
 * on the port it arrived at, the configured host, and the configured extra names. After a DNS rebinding an
 * attacker's page reaches the daemon under the attacker's name, so that name — in Host and Origin alike — is
 * what gives it away.
 */
export function allowedHostNames(options: { port: number; host: string; extra: readonly string[] }): Set<string> {
  const { port } = options;
  const names = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const bare = (name: string) => name.toLowerCase().replace(/\.$/, "");
  const configured = options.host.includes(":") && !options.host.startsWith("[") ? `[${options.host}]` : options.host;
  if (!["0.0.0.0", "[::]"].includes(configured)) names.add(`${bare(configured)}:${port}`);
  for (const name of options.extra) {
    names.add(bare(name));
    // A name given without a port is also taken on the daemon's own port.
    if (!/:\d+$/.test(name)) names.add(`${bare(name)}:${port}`);
  }
  return names;
}

const originHost = (origin: string): string | undefined => {
  if (!URL.canParse(origin)) return undefined;
  const url = new URL(origin);
  return url.protocol === "http:" || url.protocol === "https:" ? url.host : undefined;
};

/**
 * Host and Origin allow-lists. Over TCP, `Host` must be one of the daemon's own names and an `Origin`, when
 * present, too. Over the socket (its owner only; no browser can open it) an `Origin` must still match `Host`.
 * Programs (the client, curl, MCP clients) send no `Origin`.
 */
export function hostGuard(options: { host: string; extra: readonly string[] }): MiddlewareHandler {
  const byPort = new Map<number, Set<string>>();
  const namesFor = (port: number) => {
    const known = byPort.get(port);
    if (known) return known;
    const names = allowedHostNames({ port, ...options });
    byPort.set(port, names);
    return names;
  };
  return async (c, next) => {
    const source = requestSource(c);
    const host = (c.req.header("host") ?? "").toLowerCase();
    const origin = c.req.header("origin");
    if (source.transport === "tcp") {
      const names = namesFor(source.localPort ?? 0);
      if (!names.has(host))
        throw new ForbiddenError(
          `Requests for ${JSON.stringify(host)} are refused: this daemon answers to ${[...names].join(", ")} (daemon.allowedHosts adds names).`,
        );
      if (origin !== undefined && !names.has(originHost(origin) ?? ""))
        throw new ForbiddenError("Requests from another site's page are refused.");
    } else if (origin !== undefined && originHost(origin) !== host) {
      throw new ForbiddenError("Requests from another site's page are refused.");
    }
    await next();
  };
}

/** The names a TCP request may carry (for the MCP transport's own checks); undefined for the socket. */
export function tcpHostNames(c: Context, options: { host: string; extra: readonly string[] }): string[] | undefined {
  const source = requestSource(c);
  return source.transport === "tcp" ? [...allowedHostNames({ port: source.localPort ?? 0, ...options })] : undefined;
}
