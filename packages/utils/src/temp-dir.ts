import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface TempDir extends AsyncDisposable {
  readonly path: string;
  /** Removes the folder and everything in it; safe to call twice. */
  cleanup(): Promise<void>;
}

/** A fresh private folder (mode 0700) under `parent` (the system temp dir by default). */
export async function createTempDir(prefix = "producer-", parent = os.tmpdir()): Promise<TempDir> {
  await fs.promises.mkdir(parent, { recursive: true });
  const dir = await fs.promises.mkdtemp(path.join(parent, prefix));
  await fs.promises.chmod(dir, 0o700);
  const cleanup = () => fs.promises.rm(dir, { recursive: true, force: true });
  return { path: dir, cleanup, [Symbol.asyncDispose]: cleanup };
}

/** Runs `work` with a fresh folder and removes it afterwards, whether `work` succeeds or throws. */
export async function withTempDir<T>(
  work: (dir: string) => Promise<T>,
  options: { prefix?: string; parent?: string } = {},
): Promise<T> {
  const dir = await createTempDir(options.prefix, options.parent);
  try {
    return await work(dir.path);
  } finally {
    await dir.cleanup();
  }
}
