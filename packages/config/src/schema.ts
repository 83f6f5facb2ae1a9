import { z } from "zod";
import type { ResolvedSite } from "./resolve-site.js";
import { setting } from "./setting.js";
import { accountPoolSchema, accountsSchema } from "./schema/accounts.js";
import { browserSchema } from "./schema/browser.js";
import { daemonSchema } from "./schema/daemon.js";
import { databaseSchema } from "./schema/database.js";
import { logSchema } from "./schema/log.js";
import { pathsSchema } from "./schema/paths.js";
import { queueSchema } from "./schema/queue.js";
import { sessionSchema } from "./schema/session.js";
import { siteSchema } from "./schema/site.js";
import { storageSchema } from "./schema/storage.js";
import { webhooksSchema } from "./schema/webhooks.js";

/** Every setting, one section a file under `schema/`; the order here is the order of the settings table. */
export const configSchema = z.strictObject({
  enabled: setting(z.boolean().default(true), { doc: "Turns the ProducerAI integration on or off." }),
  site: siteSchema.prefault({}),
  browser: browserSchema.prefault({}),
  paths: pathsSchema.prefault({}),
  storage: storageSchema.prefault({}),
  database: databaseSchema.prefault({}),
  daemon: daemonSchema.prefault({}),
  queue: queueSchema.prefault({}),
  webhooks: webhooksSchema.prefault({}),
  session: sessionSchema.prefault({}),
  accounts: setting(accountsSchema.default([]), {
    doc: 'Several accounts in one daemon (JSON in the environment): `[{ "name", "stateFile"?, "profile"?, "maxConcurrency"?, "weight"?, "paused"? }]`; none means one account, `default`, on paths.stateFile.',
    env: "PRODUCER_ACCOUNTS",
  }),
  accountPool: accountPoolSchema.prefault({}),
  log: logSchema.prefault({}),
});

/** Settings as written by a user: every key optional. */
export type ProducerConfigInput = z.input<typeof configSchema>;
type Parsed = z.output<typeof configSchema>;

/** One account as the daemon uses it: its file, its site and its limits resolved. */
export interface AccountConfig {
  name: string;
  stateFile: string;
  site: ResolvedSite;
  maxConcurrency: number;
  weight: number;
  paused: boolean;
  /** Declared in `accounts`, rather than the implicit `default` account of a single-account setup. */
  declared: boolean;
}

/** Settings once resolved: defaults applied and every path made absolute. */
export type ProducerConfig = Omit<Parsed, "site" | "paths" | "storage" | "database" | "daemon" | "accounts"> & {
  /** Never empty: without `accounts`, the one implicit account `default`. */
  accounts: AccountConfig[];
  site: ResolvedSite;
  paths: Required<Parsed["paths"]>;
  storage: Omit<Parsed["storage"], "driver" | "localDir"> & { driver: "s3" | "local"; localDir: string };
  database: { url: string; dialect: "sqlite" | "postgres"; poolSize: number; sqliteSynchronous: "normal" | "full" };
  /** `tokenFile`: where the token made for a TCP listener without a configured one is kept (0600). */
  daemon: Omit<Parsed["daemon"], "socketPath"> & { socketPath: string; tokenFile: string };
};

export type ParsedConfig = Parsed;
