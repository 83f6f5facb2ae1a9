/**
 * Runs `work` with some of `settings` changed (a running simulator's `site.settings`, say), and puts the earlier
 * values back afterwards, whether `work` succeeds or throws: the next test on the same site starts as before.
 */
export async function withSettings<Settings extends object, Result>(
  settings: Settings,
  changes: Partial<Settings>,
  work: () => Promise<Result>,
): Promise<Result> {
  const earlier = Object.fromEntries(Object.keys(changes).map((key) => [key, settings[key as keyof Settings]]));
  Object.assign(settings, changes);
  try {
    return await work();
  } finally {
    Object.assign(settings, earlier);
  }
}
