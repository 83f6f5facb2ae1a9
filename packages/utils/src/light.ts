/**
 * `@producer/utils/errors`: the coded errors and the abort helper alone, without storage, audio or the AWS SDK, for
 * code that must start fast (the daemon's client, the CLI).
 */
export * from "./errors.js";
export { abortReason } from "./retry.js";
export { readSecretFile } from "./secret-file.js";
