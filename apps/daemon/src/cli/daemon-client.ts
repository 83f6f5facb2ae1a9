import type { ResolvedConfig } from "@producer/config";
import type { ProducerClient } from "@producer/core/client";
import { configModule } from "./lazy-config.js";

/** The client of the daemon on the configured socket, with its token when one is set. */
export async function daemonClient(resolved?: ResolvedConfig): Promise<ProducerClient> {
  const { ProducerClient } = await import("@producer/core/client");
  const { daemon } = (resolved ?? (await configModule()).loadConfig()).config;
  return new ProducerClient({ socketPath: daemon.socketPath, ...(daemon.token ? { token: daemon.token } : {}) });
}
