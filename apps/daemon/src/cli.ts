import { ProducerError, toProducerError, type ProducerErrorCode } from "@producer/utils/errors";
import { COMMAND_BY_NAME } from "./cli/commands.js";
import { HELP, helpFor } from "./cli/help.js";
import { print } from "./cli/output.js";
import { UsageError } from "./cli/usage-error.js";
import { packageVersion } from "./package-version.js";

// The AWS SDK warns that its 2027 releases will need Node 22; the versions pinned here run on Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** Every error code's exit status: a new code that is not given one here fails the typecheck. */
const EXIT_BY_CODE: Record<ProducerErrorCode, number> = {
  INVALID_INPUT: 2,
  INVALID_CONFIG: 2,
  UPLOAD_REFUSED: 2,
  UNAVAILABLE: 3,
  SESSION_EXPIRED: 4,
  SESSION_REVOKED: 4,
  CHALLENGE: 4,
  QUOTA_EXHAUSTED: 4,
  LOGIN_FAILED: 4,
  TIMEOUT: 5,
  SITE_CHANGED: 6,
  CONFLICT: 7,
  BROWSER_NOT_FOUND: 1,
  DISABLED: 1,
  UNAUTHORIZED: 1,
  FORBIDDEN: 1,
  RATE_LIMITED: 1,
  ACCOUNT_WALLED: 1,
  ACCOUNT_UNAVAILABLE: 1,
  NO_ACCOUNT: 1,
  GENERATION_FAILED: 1,
  GENERATION_MAY_EXIST: 1,
  DUPLICATE_AUDIO: 1,
  DOWNLOAD_FAILED: 1,
  AUDIO_INVALID: 1,
  BROWSER_CRASHED: 1,
  STORAGE_FAILED: 1,
  NOT_FOUND: 1,
  QUEUE_FULL: 1,
  CANCELLED: 1,
  INTERNAL: 1,
};

/** Bad usage, including what `parseArgs` refuses (an unknown or ambiguous option). */
function isUsageError(error: unknown): error is Error {
  if (error instanceof UsageError) return true;
  return (
    error instanceof TypeError &&
    "code" in error &&
    String((error as { code: unknown }).code).startsWith("ERR_PARSE_ARGS")
  );
}

/** Bad configuration (told by its class name, so the configuration package need not load to recognise it). */
function isConfigError(error: unknown): error is Error {
  return ProducerError.isInstance(error) && (error as Error).name === "ConfigError";
}

/** Prints what failed and answers the exit code it stands for. */
function exitCodeOf(error: unknown): number {
  if (isUsageError(error) || isConfigError(error)) {
    process.stderr.write(`producer: ${error.message}\n`);
    return 2;
  }
  const failure = ProducerError.isInstance(error) ? error : toProducerError(error);
  process.stderr.write(`producer: [${failure.code}] ${failure.message}\n`);
  const fields = failure.details.fields as Array<{ path: string; message: string }> | undefined;
  for (const field of fields ?? []) process.stderr.write(`  ${field.path || "(body)"}: ${field.message}\n`);
  // A code from a newer daemon than this CLI is a plain failure.
  return EXIT_BY_CODE[failure.code as ProducerErrorCode] ?? 1;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const help = helpFor(command, rest);
  if (help) {
    print(help);
    return 0;
  }
  try {
    const known = command === undefined ? undefined : COMMAND_BY_NAME.get(command);
    if (known) return await known.run(rest);
    if (command === "--version") {
      print(packageVersion());
      return 0;
    }
    if (command === undefined || command === "help" || command === "--help" || command === "-h") {
      print(HELP);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`Unknown command ${JSON.stringify(command)}. See producer --help.`);
  } catch (error) {
    return exitCodeOf(error);
  }
}

const invokedAsScript = process.argv[1] && /(producer(\.js)?|cli\.js)$/.test(process.argv[1]);
if (invokedAsScript) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
