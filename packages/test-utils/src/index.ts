/**
 * Helpers for producer's own tests and the simulator. Not published.
 *
 * @example
 * const teardown = createTeardown();
 * afterEach(() => teardown.run());
 * const dir = teardown.tempDir("producer-x-"); // removed, with retries, by the next run()
 */
export { synthesizeMp3, synthesizePcm, synthesizeWav } from "./audio.js";
export { synthesizeM4a } from "./m4a.js";
export type { SynthesisOptions } from "./audio.js";
export { startS3Server } from "./s3-server.js";
export type { S3Server } from "./s3-server.js";
export { createPostgresSchema, postgresUrl } from "./postgres.js";
export type { PostgresSchema, SqlClient } from "./postgres.js";
export { golden, normalize } from "./golden.js";
export { FAST_SIMULATOR } from "./fast-simulator.js";
export { createTeardown } from "./teardown.js";
export type { Teardown } from "./teardown.js";
export { makeTempDir, removeDir } from "./temp-dir.js";
export { defineStack } from "./stack.js";
export type { Stack, StackOptions, StackParts } from "./stack.js";
export { producerEnvironment, TEST_STATE_KEY } from "./producer-environment.js";
export type { ProducerEnvironmentOptions } from "./producer-environment.js";
export { listFiles } from "./list-files.js";
export { timed } from "./timed.js";
export { withSettings } from "./with-settings.js";
