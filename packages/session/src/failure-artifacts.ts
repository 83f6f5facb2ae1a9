import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright";

export interface FailureArtifacts {
  screenshot?: string;
  html?: string;
  trace?: string;
  url?: string;
}

/**
 * Saves what the page looked like when a step failed — a screenshot and the HTML (and the trace, when one is
 * kept) — under `<artifactsDir>/<time>-<label>/`, so a selector broken by a site change can be fixed from the
 * snapshot. Never throws: a crashed page yields whatever could be saved.
 */
export async function saveFailureArtifacts(
  page: Page | undefined,
  artifactsDir: string,
  label: string,
  saveTrace?: (file: string) => Promise<boolean>,
): Promise<FailureArtifacts> {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const dir = path.join(artifactsDir, `${stamp}-${label.replace(/[^A-Za-z0-9_-]+/g, "-")}`);
  const artifacts: FailureArtifacts = {};
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return artifacts;
  }
  if (page && !page.isClosed()) {
    artifacts.url = page.url();
    const screenshot = path.join(dir, "page.png");
    await page
      .screenshot({ path: screenshot, fullPage: true, timeout: 5000 })
      .then(() => fs.promises.chmod(screenshot, 0o600))
      .then(() => (artifacts.screenshot = screenshot))
      .catch(() => undefined);
    const html = path.join(dir, "page.html");
    await page
      .content()
      .then((content) => fs.promises.writeFile(html, content, { mode: 0o600 }))
      .then(() => (artifacts.html = html))
      .catch(() => undefined);
  }
  if (saveTrace) {
    const trace = path.join(dir, "trace.zip");
    await saveTrace(trace)
      .then((saved) => {
        if (saved) {
          fs.chmodSync(trace, 0o600);
          artifacts.trace = trace;
        }
      })
      .catch(() => undefined);
  }
  return artifacts;
}
