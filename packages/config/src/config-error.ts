/**
 * The marker every producer error carries. `@producer/utils` uses the same `Symbol.for` key, so
 * `ProducerError.isInstance(error)` recognises a `ConfigError` (and errors from a second copy of either package).
 */
const PRODUCER_ERROR = Symbol.for("producer.error");

export interface ConfigIssue {
  /** Dotted key path, such as `site.timeouts.navigationMs`. */
  path: string;
  /** The environment variable that sets this key. */
  env: string;
  /** Where the bad value came from: `default`, `file <path>`, `env NAME` or `option`. */
  source: string;
  /** The value received, masked for secrets and shortened. */
  received: string;
  /** What was expected. */
  expected: string;
}

export type ConfigErrorCode = "INVALID_CONFIG" | "BROWSER_NOT_FOUND";

/** Bad configuration: one error for every problem found at once, never a raw schema dump. */
export class ConfigError extends Error {
  readonly [PRODUCER_ERROR] = true;
  override readonly name = "ConfigError";
  readonly code: ConfigErrorCode;
  readonly retryable = false;
  readonly issues: readonly ConfigIssue[];

  constructor(message: string, options: { code?: ConfigErrorCode; issues?: ConfigIssue[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? "INVALID_CONFIG";
    this.issues = options.issues ?? [];
  }

  static fromIssues(issues: ConfigIssue[]): ConfigError {
    const lines = issues.map((issue) => {
      const where =
        issue.source === `env ${issue.env}` || !issue.env ? issue.source : `${issue.source}; env ${issue.env}`;
      return `  - ${issue.path} (${where}): expected ${issue.expected}, received ${issue.received}`;
    });
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    return new ConfigError(`Invalid producer configuration (${count}):\n${lines.join("\n")}`, { issues });
  }

  static isInstance(error: unknown): error is ConfigError {
    return (
      typeof error === "object" &&
      error !== null &&
      (error as Record<symbol, unknown>)[PRODUCER_ERROR] === true &&
      ((error as { code?: unknown }).code === "INVALID_CONFIG" ||
        (error as { code?: unknown }).code === "BROWSER_NOT_FOUND")
    );
  }
}
