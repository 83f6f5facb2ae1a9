import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../app-deps.js";
import { tcpHostNames } from "../host-guard.js";

/** `/mcp`: the MCP tools over Streamable HTTP, on the daemon's own service. */
export function mcpRoutes(deps: Pick<AppDeps, "config" | "service" | "accounts" | "version">): Hono<AppEnv> {
  const { config, service } = deps;
  const routes = new Hono<AppEnv>();
  // The MCP server loads on its first request, so a daemon nobody asks over MCP starts without it.
  routes.all("/mcp", async (c) => {
    const [{ handleMcpRequest }, { createMcpServer }] = await Promise.all([
      import("../../mcp/http-route.js"),
      import("../../mcp/tools.js"),
    ]);
    const names = tcpHostNames(c, { host: config.daemon.host, extra: config.daemon.allowedHosts });
    return handleMcpRequest(c, names, (origin) =>
      createMcpServer({
        producer: service,
        accounts: async () => (await deps.accounts?.list()) ?? [],
        site: config.site,
        version: deps.version ?? "0.1.0",
        audioBase: origin,
        maxWaitSecs: config.daemon.mcpMaxWaitSecs,
      }),
    );
  });
  return routes;
}
