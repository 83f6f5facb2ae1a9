import { makeTempDir, removeDir } from "./temp-dir.js";

export interface Teardown extends AsyncDisposable {
  /** Adds a step; the last one added runs first, so a part is closed before what it was built on. */
  add(step: () => unknown): void;
  /** A fresh folder in the system temp dir, removed with retries at teardown. */
  tempDir(prefix?: string): string;
  /**
   * Runs every step, even when one throws, and then throws what was thrown. Leaves the teardown empty, so one
   * teardown can serve every test of a file (`afterEach(() => teardown.run())`).
   */
  run(): Promise<void>;
}

/** Steps that undo a test's set-up, last in first out. */
export function createTeardown(): Teardown {
  const steps: Array<() => unknown> = [];
  const run = async () => {
    const errors: unknown[] = [];
    for (let step = steps.pop(); step; step = steps.pop()) {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} teardown steps failed`);
  };
  return {
    add: (step) => void steps.push(step),
    tempDir(prefix) {
      const dir = makeTempDir(prefix);
      steps.push(() => removeDir(dir));
      return dir;
    },
    run,
    [Symbol.asyncDispose]: run,
  };
}
