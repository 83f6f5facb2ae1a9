import { ProducerError } from "@producer/utils/errors";
import { packageVersion } from "../package-version.js";
import type { Command } from "./command.js";
import { daemonClient } from "./daemon-client.js";
import { configModule } from "./lazy-config.js";

/**
 * `producer mcp`: the MCP server over stdio, for desktop agents. It drives the local daemon through its client
 * (the daemon does the work and keeps the queue); standard output carries the protocol and nothing else.
 */
async function serveMcp(): Promise<number> {
  const resolved = (await configModule()).loadConfig();
  const { config } = resolved;
  const api = await daemonClient(resolved);
  const [{ StdioServerTransport }, { createMcpServer }] = await Promise.all([
    import("@modelcontextprotocol/sdk/server/stdio.js"),
    import("../mcp/tools.js"),
  ]);
  const server = createMcpServer({
    producer: api,
    // A daemon without a browser has no accounts to report.
    accounts: () =>
      api
        .listAccounts()
        .catch((error: unknown) =>
          ProducerError.isInstance(error) && error.code === "NOT_FOUND" ? [] : Promise.reject(error),
        ),
    site: config.site,
    version: packageVersion(),
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

export const mcpCommand: Command = {
  name: "mcp",
  help: `producer mcp — serves the MCP tools (generate_music, get_generation, wait_for_generation, cancel_generation, retry_generation,
list_tracks, get_track, account_status) over standard input and output, for agents such as desktop assistants.
It talks to the running daemon through its socket; the daemon also serves the same tools over HTTP at /mcp.`,
  run: serveMcp,
};
