import { ConfigError } from "./config-error.js";

/** For tests: the `ConfigError` that `run` throws; anything else it throws, or no throw at all, fails the test. */
export function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}
