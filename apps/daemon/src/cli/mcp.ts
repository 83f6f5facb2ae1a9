import type { ResolvedConfig } from "@producer/config";
import type { ProducerClient } from "@producer/core/client";
import { ProducerError } from "@producer/utils/errors";

/**
 * `producer mcp`: the MCP server over stdio, for desktop agents. It drives the local daemon through its client
 * (the daemon does the work and keeps the queue); standard output carries the protocol and nothing else.
 */
export async function commandMcp(resolved: ResolvedConfig, api: ProducerClient, version: string): Promise<number> {
  const { config } = resolved;
  const [{ StdioServerTransport }, { createMcpServer }] = await Promise.all([
    import("@modelcontextprotocol/sdk/server/stdio.js"),
    import("../mcp/tools.js"),
  ]);
  const server = createMcpServer({
    producer: api,
    // A daemon without a browser has no accounts to report.
    accounts: () => api.listAccounts().catch((error: unknown) => (ProducerError.isInstance(error) && error.code === "NOT_FOUND" ? [] : Promise.reject(error))),
    site: config.site,
    version,
    ...(config.daemon.port !== undefined ? { audioBase: `http://${config.daemon.host}:${config.daemon.port}` } : {}),
    maxWaitSecs: config.daemon.mcpMaxWaitSecs,
  });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
    process.stdin.once("end", () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close().catch(() => undefined);
  return 0;
}
