import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import type { Env, Hono } from "hono";
import { ConflictError, ProducerError } from "@producer/utils";

export type HttpServer = ReturnType<typeof createAdaptorServer>;

/** Exactly the loopback addresses: `localhost`, `::1`, and IPv4 127.0.0.0/8 — not a name that starts with "127.". */
export const isLoopback = (host: string): boolean => {
  const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (bare === "localhost" || bare === "::1") return true;
  return net.isIPv4(bare) && bare.split(".")[0] === "127";
};

/** Whether something accepts connections on the socket (a live daemon), as opposed to a file left by a crash. */
function socketIsLive(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(socketPath);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
}

/**
 * Listens on a Unix socket with mode 0600 (created so from the start). A socket file left by a crashed daemon is
 * replaced; a live one is never taken over; a path that is not a socket is never deleted.
 */
export async function listenOnSocket<E extends Env>(app: Hono<E>, socketPath: string): Promise<HttpServer> {
  fs.mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o700 });
  const existing = fs.lstatSync(socketPath, { throwIfNoEntry: false });
  if (existing) {
    if (!existing.isSocket()) {
      throw new ProducerError("CONFLICT", `${socketPath} exists and is not a socket; refusing to replace it.`);
    }
    if (await socketIsLive(socketPath)) {
      throw new ConflictError(`Another producer daemon is listening on ${socketPath}.`, { details: { socketPath } });
    }
    fs.unlinkSync(socketPath);
  }
  const server = createAdaptorServer({ fetch: app.fetch });
  const previousUmask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(socketPath, () => resolve());
    });
  } finally {
    process.umask(previousUmask);
  }
  fs.chmodSync(socketPath, 0o600);
  return server;
}

/** Listens on TCP. Anything but loopback is refused unless requests must carry a token. */
export async function listenOnTcp<E extends Env>(
  app: Hono<E>,
  options: { host: string; port: number; tokenConfigured: boolean },
): Promise<{ server: HttpServer; port: number }> {
  if (!isLoopback(options.host) && !options.tokenConfigured) {
    throw new ProducerError(
      "INVALID_CONFIG",
      `Refusing to listen on ${options.host}: a non-loopback address needs daemon.token (PRODUCER_DAEMON_TOKEN).`,
    );
  }
  const server = createAdaptorServer({ fetch: app.fetch });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

/** Stops accepting connections and waits for open requests to end (idle keep-alive connections are closed). */
export function closeServer(server: HttpServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
  });
}
