import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright";
import { ArtifactScrubber } from "./artifact-scrubber.js";

export interface FailureArtifacts {
  screenshot?: string;
  html?: string;
  trace?: string;
  url?: string;
}

export interface FailureArtifactOptions {
  /** Stops the trace into a file as Playwright writes it (credentials and all); false when no trace is kept. */
  saveTrace?: (file: string) => Promise<boolean>;
  /** The login's secret values (`BrowserPool.loginSecrets()`): none of them reaches a file. */
  secrets?: readonly string[];
  /**
   * A private folder (mode 0700) where the raw trace waits to be scrubbed, away from the artifacts the daemon
   * serves; the system temp dir when not given.
   */
  scratchDir?: string;
}

/**
 * Saves what the page looked like when a step failed — a screenshot and the HTML (and the trace, when one is
 * kept) — under `<artifactsDir>/<time>-<label>/`, so a selector broken by a site change can be fixed from the
 * snapshot. The HTML and the trace are scrubbed of the login's secrets (and of any value under a credential's
 * name) before they are written, since the daemon serves these files; every file is mode 0600, the folder 0700.
 * Never throws: a crashed page yields whatever could be saved.
 */
export async function saveFailureArtifacts(
  page: Page | undefined,
  artifactsDir: string,
  label: string,
  options: FailureArtifactOptions = {},
): Promise<FailureArtifacts> {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const dir = path.join(artifactsDir, `${stamp}-${label.replace(/[^A-Za-z0-9_-]+/g, "-")}`);
  const artifacts: FailureArtifacts = {};
  const scrubber = new ArtifactScrubber(options.secrets ?? []);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return artifacts;
  }
  if (page && !page.isClosed()) {
    artifacts.url = scrubber.scrubText(page.url());
    const screenshot = path.join(dir, "page.png");
    // Pixels, not text: nothing in it to look for. Written here rather than by Playwright, so it is never
    // readable by others, not even for a moment.
    await page
      .screenshot({ fullPage: true, timeout: 5000 })
      .then((png) => writePrivate(screenshot, png))
      .then(() => (artifacts.screenshot = screenshot))
      .catch(() => undefined);
    const html = path.join(dir, "page.html");
    await page
      .content()
      .then((content) => writePrivate(html, scrubber.scrubText(content)))
      .then(() => (artifacts.html = html))
      .catch(() => undefined);
  }
  if (options.saveTrace) {
    const trace = path.join(dir, "trace.zip");
    await saveScrubbedTrace(options.saveTrace, trace, scrubber, options.scratchDir)
      .then((saved) => {
        if (saved) artifacts.trace = trace;
      })
      .catch(() => undefined);
  }
  return artifacts;
}

/**
 * Whether a file holds any of the secret values (in any form the scrubber looks for): for a zip, inside its
 * entries decompressed. For a server to check before it hands an artifact out; a file that cannot be read
 * throws, as it cannot be vouched for.
 */
export async function artifactHoldsSecret(filePath: string, secrets: readonly string[]): Promise<boolean> {
  const scrubber = new ArtifactScrubber(secrets);
  if (scrubber.needles.length === 0) return false;
  return await scrubber.holdsSecretInContent(await fs.promises.readFile(filePath));
}

/** Lets Playwright write the raw trace in a private scratch folder, and keeps only its scrubbed copy. */
async function saveScrubbedTrace(
  saveTrace: (file: string) => Promise<boolean>,
  target: string,
  scrubber: ArtifactScrubber,
  scratchDir: string | undefined,
): Promise<boolean> {
  const scratch = makeScratchDir(scratchDir);
  try {
    const raw = path.join(scratch, "trace.zip");
    if (!(await saveTrace(raw))) return false;
    const scrubbed = await scrubber.scrubZip(await fs.promises.readFile(raw));
    await writePrivate(target, scrubbed);
    return true;
  } finally {
    await fs.promises.rm(scratch, { recursive: true, force: true });
  }
}

/** A fresh folder of our own (mkdtemp makes it 0700) under `parent`, or under the system temp dir. */
function makeScratchDir(parent: string | undefined): string {
  if (parent) {
    try {
      return fs.mkdtempSync(path.join(parent, "trace-"));
    } catch {
      // The pool's folder may be gone (the browser closed): the system temp dir will do.
    }
  }
  return fs.mkdtempSync(path.join(os.tmpdir(), "producer-trace-"));
}

/** Writes a new file that only its owner can read, whatever the umask. */
async function writePrivate(file: string, content: string | Uint8Array): Promise<void> {
  await fs.promises.writeFile(file, content, { mode: 0o600, flag: "wx" });
  await fs.promises.chmod(file, 0o600);
}
