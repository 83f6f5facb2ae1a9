/** The part of pino's interface producer uses: pass a pino logger, or anything shaped like one. */
export interface LogFn {
  (message: string): void;
  (object: object, message?: string): void;
}

export interface Logger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  child(bindings: Record<string, unknown>): Logger;
  /** Whether a line of this level would be written (pino's); absent: every level counts as written. */
  isLevelEnabled?(level: string): boolean;
}

const noop = () => {};

/** The default of every library in producer: logs nothing. */
export const silentLogger: Logger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  fatal: noop,
  child: () => silentLogger,
};

export const REDACTED = "[redacted]";

/** Keys whose values are secrets wherever they appear. */
const SECRET_KEY =
  /^(password|passwd|secret|token|access[-_]?token|refresh[-_]?token|id[-_]?token|api[-_]?key|authorization|cookie|cookies|set-cookie|accesskeyid|secretaccesskey|sessiontoken|aws[-_]?secret[-_]?access[-_]?key|aws[-_]?access[-_]?key[-_]?id|aws[-_]?session[-_]?token|credentials|storagestate)$/i;

/** Secrets recognisable inside free text. */
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, REDACTED],
  [/\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/\b(sb-[A-Za-z0-9-]*-auth-token[A-Za-z0-9.-]*)=[^;\s"]+/g, `$1=${REDACTED}`],
  [/\b(aws_secret_access_key|secretAccessKey|password|token)(["']?\s*[:=]\s*["']?)[^"'\s,;}]+/gi, `$1$2${REDACTED}`],
];

/** Masks known secret patterns in a string. */
export function redactText(text: string): string {
  return SECRET_PATTERNS.reduce((current, [pattern, replacement]) => current.replace(pattern, replacement), text);
}

/** A copy of `value` with secret-named keys and secret-looking text masked. Handles cycles and errors. */
export function redactSecrets<T>(value: T, seen = new WeakMap<object, unknown>()): T {
  if (typeof value === "string") return redactText(value) as T;
  if (typeof value !== "object" || value === null) return value;
  if (seen.has(value)) return seen.get(value) as T;
  if (value instanceof Error) {
    const copy: Record<string, unknown> = { name: value.name, message: redactText(value.message) };
    seen.set(value, copy);
    if (value.stack) copy.stack = redactText(value.stack);
    for (const [key, child] of Object.entries(value)) {
      copy[key] = SECRET_KEY.test(key) ? REDACTED : redactSecrets(child, seen);
    }
    return copy as T;
  }
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const item of value) copy.push(redactSecrets(item, seen));
    return copy as T;
  }
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  for (const [key, child] of Object.entries(value)) {
    copy[key] = SECRET_KEY.test(key) && child !== undefined ? REDACTED : redactSecrets(child, seen);
  }
  return copy as T;
}

/**
 * Wraps any pino-compatible logger so nothing secret reaches it: objects and messages are redacted first.
 * Children are made from the root with the bindings merged, so a key is written once per line: a later binding
 * replaces an earlier one, and nested components read `session/browser-pool`.
 */
export function redactingLogger(root: Logger, bindings: Record<string, unknown> = {}): Logger {
  const inner = Object.keys(bindings).length === 0 ? root : root.child(bindings);
  const wrap =
    (method: keyof Omit<Logger, "child" | "isLevelEnabled">): LogFn =>
    (first: string | object, message?: string) => {
      // A line below the level is never written: nothing to redact, and its objects are not walked.
      if (inner.isLevelEnabled && !inner.isLevelEnabled(method)) return;
      if (typeof first === "string") inner[method](redactText(first));
      else if (message === undefined) inner[method](redactSecrets(first));
      else inner[method](redactSecrets(first), redactText(message));
    };
  return {
    trace: wrap("trace"),
    debug: wrap("debug"),
    info: wrap("info"),
    warn: wrap("warn"),
    error: wrap("error"),
    fatal: wrap("fatal"),
    ...(inner.isLevelEnabled ? { isLevelEnabled: (level: string) => inner.isLevelEnabled?.(level) ?? true } : {}),
    child: (more) => {
      const added = redactSecrets(more) as Record<string, unknown>;
      const merged: Record<string, unknown> = { ...bindings, ...added };
      if (typeof bindings.component === "string" && typeof added.component === "string") {
        merged.component = `${bindings.component}/${added.component}`;
      }
      return redactingLogger(root, merged);
    },
  };
}
