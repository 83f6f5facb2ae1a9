import type { S3Server } from "./s3-server.js";

export interface ProducerEnvironmentOptions {
  /** Everything the process keeps lives here. */
  dataDir: string;
  /** The simulator it drives. */
  siteUrl?: string;
  /** Where it stores songs; the data dir when absent. */
  s3?: S3Server;
  /** The environment the settings are added to: this process's by default. */
  base?: NodeJS.ProcessEnv;
}

/** The login-state key of every test daemon: test data only, never a default of the product. */
export const TEST_STATE_KEY = "test-only-login-state-key-0123456789abcdef";

/**
 * The environment of a `producer` process (daemon or CLI) that drives the simulator without the pauses a real
 * site wants, and polls its queue often. `extra` comes last, so it overrides any of these.
 */
export function producerEnvironment(
  options: ProducerEnvironmentOptions,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  const { s3 } = options;
  const storage = s3
    ? {
        PRODUCER_STORAGE_DRIVER: "s3",
        PRODUCER_STORAGE_S3_BUCKET: s3.bucket,
        PRODUCER_STORAGE_S3_ENDPOINT: s3.endpoint,
        PRODUCER_STORAGE_S3_FORCE_PATH_STYLE: "true",
        PRODUCER_STORAGE_S3_CHECKSUMS: "when-required",
        PRODUCER_STORAGE_S3_ACCESS_KEY_ID: s3.s3Config.accessKeyId,
        PRODUCER_STORAGE_S3_SECRET_ACCESS_KEY: s3.s3Config.secretAccessKey,
      }
    : { PRODUCER_STORAGE_DRIVER: "local" };
  return {
    ...(options.base ?? process.env),
    PRODUCER_PATHS_DATA_DIR: options.dataDir,
    PRODUCER_SITE_BASE_URL: options.siteUrl,
    PRODUCER_SITE_PACING_SUBMIT_GAP_MIN_MS: "0",
    PRODUCER_SITE_PACING_SUBMIT_GAP_MAX_MS: "0",
    PRODUCER_SITE_PACING_ACTION_DELAY_MIN_MS: "0",
    PRODUCER_SITE_PACING_ACTION_DELAY_MAX_MS: "0",
    ...storage,
    PRODUCER_QUEUE_POLL_INTERVAL_MS: "100",
    // A fleet (PostgreSQL) seals its login states with this; the same on every daemon of a test.
    PRODUCER_ACCOUNT_POOL_STATE_KEY: TEST_STATE_KEY,
    PRODUCER_LOG_LEVEL: "info",
    ...extra,
  };
}
