const warned = new Set<string>();

/** One `DeprecationWarning` per process per legacy method, naming the call that replaces it. */
export function warnDeprecated(method: string, replacement: string): void {
  if (warned.has(method)) return;
  warned.add(method);
  const code = `PRODUCER_DEP_${method.replace(/[^A-Za-z0-9]+/g, "_").toUpperCase()}`;
  process.emitWarning(`${method} is deprecated; use ${replacement} instead.`, { type: "DeprecationWarning", code });
}
