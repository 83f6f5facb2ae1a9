import { z } from "zod";

/** What the schema knows about one setting beyond its type and default. */
export interface SettingMeta {
  /** One line for the settings table and for error messages. */
  doc: string;
  /** Masked in every printout and error; read only from the environment or code, never from a config file. */
  secret?: boolean;
  /** The environment variable when it is not the name derived from the key path. */
  env?: string;
  /** Shown in the settings table instead of the literal default (for defaults computed from other settings). */
  defaultLabel?: string;
}

export const settingsRegistry = z.registry<SettingMeta>();

/** Attaches documentation and flags to a leaf schema; the walk in `settings-table.ts` reads them back. */
export function setting<T extends z.ZodType>(schema: T, meta: SettingMeta): T {
  settingsRegistry.add(schema, meta);
  return schema;
}
