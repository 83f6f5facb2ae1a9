import { Hono } from "hono";
import { NotFoundError } from "@producer/utils";
import type { AppEnv } from "../app-deps.js";
import type { SignInCodes } from "../auth.js";
import { requestSource } from "../request-source.js";

interface SignInLinkOptions {
  /** The host the TCP listener is bound to (daemon.host). */
  host: string;
  /** The token TCP requests carry; without one the status page is on the socket only. */
  token: string | undefined;
  port: () => number | undefined;
  codes: SignInCodes;
}

/** `producer open`: a one-time link that signs the status page in, for the socket's owner alone. */
export function signInLinkRoutes({ host, token, port, codes }: SignInLinkOptions): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.post("/v1/sign-in-links", (c) => {
    if (requestSource(c).transport !== "socket") throw new NotFoundError(`No route ${c.req.method} ${c.req.path}.`);
    const tcpPort = port();
    if (!token || tcpPort === undefined)
      throw new NotFoundError(
        "The daemon does not listen on TCP (daemon.port), so the status page is on the socket only.",
      );
    const { code, expiresAt } = codes.mint();
    const linkHost = ["0.0.0.0", "::", "localhost"].includes(host)
      ? "127.0.0.1"
      : host.includes(":")
        ? `[${host}]`
        : host;
    return c.json({ url: `http://${linkHost}:${tcpPort}/login?code=${code}`, expiresAt });
  });
  return routes;
}
