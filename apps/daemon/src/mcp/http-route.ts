import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { Context } from "hono";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";

/**
 * `/mcp`: the Streamable HTTP transport, stateless. Each POST gets a server and a transport of its own, so no
 * session outlives its request and any daemon behind a balancer can answer; a waiting tool streams its progress
 * notifications on that POST's own event stream. There is no stream to open with GET, nor a session to end with
 * DELETE.
 */
export async function handleMcpRequest(
  c: Context,
  hostNames: string[] | undefined,
  createServer: (origin: string) => McpServer,
): Promise<Response> {
  if (c.req.method !== "POST") {
    return c.json(
      {
        jsonrpc: "2.0",
        error: { code: -32000, message: "Method not allowed: this MCP server is stateless; POST each message." },
        id: null,
      },
      405,
      {
        allow: "POST",
      },
    );
  }
  const server = createServer(new URL(c.req.url).origin);
  // The SDK's own DNS-rebinding checks, on top of the daemon's: over TCP, Host and Origin must name the daemon.
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    ...(hostNames
      ? {
          enableDnsRebindingProtection: true,
          allowedHosts: hostNames,
          allowedOrigins: hostNames.flatMap((name) => [`http://${name}`, `https://${name}`]),
        }
      : {}),
  });
  await server.connect(transport);
  return transport.handleRequest(c.req.raw);
}
