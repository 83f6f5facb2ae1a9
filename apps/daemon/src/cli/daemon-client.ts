import { loadConfig, type ResolvedConfig } from "@producer/config";
import { ProducerClient } from "@producer/core/client";

/** The client of the daemon on the configured socket, with its token when one is set. */
export function daemonClient(resolved: ResolvedConfig = loadConfig()): ProducerClient {
  const { daemon } = resolved.config;
  return new ProducerClient({ socketPath: daemon.socketPath, ...(daemon.token ? { token: daemon.token } : {}) });
}
