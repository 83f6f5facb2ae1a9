import type { ProducerConfig } from "@producer/config";

/** The resolved site profile the driver works from. */
export type Site = ProducerConfig["site"];
