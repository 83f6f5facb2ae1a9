import type { ResolvedConfig } from "@producer/config";
import type { ProducerClient } from "@producer/core/client";
import { fastSocketPath } from "./fast-endpoint.js";
import { configModule } from "./lazy-config.js";

/**
 * The client of the daemon on the configured socket, with its token when one is set. Without a configuration
 * given, the running daemon's endpoint file is read first (see `fastSocketPath`), so a command answers without
 * loading the configuration schema; the full configuration loads only when that file is missing or stale.
 */
export async function daemonClient(resolved?: ResolvedConfig): Promise<ProducerClient> {
  const { ProducerClient } = await import("@producer/core/client");
  const fast = resolved ? undefined : fastSocketPath();
  if (fast) return new ProducerClient({ socketPath: fast });
  const { daemon } = (resolved ?? (await configModule()).loadConfig()).config;
  return new ProducerClient({ socketPath: daemon.socketPath, ...(daemon.token ? { token: daemon.token } : {}) });
}
