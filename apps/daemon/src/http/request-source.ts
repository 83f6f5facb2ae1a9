import type { IncomingMessage } from "node:http";
import type { Context } from "hono";

/**
 * Where a request came in. `socket`: the Unix socket, which only its owner can open (mode 0600), or an
 * in-process `app.request()`; `tcp`: the TCP listener, which any local user — and any page a local browser
 * shows — can reach.
 */
export interface RequestSource {
  transport: "socket" | "tcp";
  /** The peer's address on TCP; `socket` for the socket's owner. */
  client: string;
  /** The TCP port the connection arrived on. */
  localPort: number | undefined;
}

export function requestSource(c: Context): RequestSource {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const socket = incoming?.socket;
  if (!socket?.remoteAddress) return { transport: "socket", client: "socket", localPort: undefined };
  return { transport: "tcp", client: socket.remoteAddress, localPort: socket.localPort };
}
