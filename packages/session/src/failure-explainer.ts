import {
  abortReason,
  GenerationFailedError,
  ProducerError,
  TimeoutError,
  UnavailableError,
  type Logger,
  type SubmissionRecord,
} from "@producer/utils";
import { PageGuard } from "./blockers.js";
import type { BrowserPool, PooledPage } from "./browser-pool.js";
import { saveFailureArtifacts } from "./failure-artifacts.js";
import { isPlaywrightTimeout } from "./playwright-helpers.js";
import type { SignInCoordinator } from "./sign-in.js";
import type { Site } from "./site.js";

/** What explaining a failure needs of the driver: its site, pool, artifacts folder and sign-in secrets. */
export interface ExplainDeps {
  site: Site;
  pool: BrowserPool;
  artifactsDir: string;
  signIn?: SignInCoordinator;
  logger: Logger;
}

/** The page, the step and the submission a failure happened at. */
export interface FailureAt {
  pooled: PooledPage;
  step: string;
  signal: AbortSignal | undefined;
  record: SubmissionRecord | undefined;
}

/**
 * Turns whatever a step threw into the producer error it stands for, with a snapshot of the page: a screenshot,
 * the HTML and a trace (secrets scrubbed), the submission it happened after, and for a missing locator what the
 * page has instead.
 */
export async function explainFailure(error: unknown, deps: ExplainDeps, at: FailureAt): Promise<ProducerError> {
  const { pooled, step, signal, record } = at;
  if (signal?.aborted) return abortReason(signal) as ProducerError;
  let failure: unknown = deps.pool.crashError(error, pooled);
  if (!ProducerError.isInstance(failure)) {
    const message = failure instanceof Error ? failure.message.split("\n")[0] : String(failure);
    failure = isPlaywrightTimeout(failure)
      ? new TimeoutError(`Step "${step}" timed out: ${message}`, { cause: error, details: { step } })
      : /net::ERR_|ECONNREFUSED|ENOTFOUND/.test(message ?? "")
        ? new UnavailableError(`ProducerAI cannot be reached: ${message}`, { cause: error, details: { step } })
        : new GenerationFailedError(`Generation failed at step "${step}": ${message}`, {
            cause: error,
            details: { step },
          });
  }
  const producerError = failure as ProducerError;
  producerError.details.step ??= step;
  if (record && record.state !== "refused") {
    producerError.details.submission = {
      state: record.state,
      submittedAt: record.submittedAt,
      siteJobId: record.siteJobId ?? null,
      clipIds: record.clipIds ?? [],
    };
  }
  if (producerError.code === "CANCELLED" || producerError.code === "INVALID_INPUT") return producerError;
  const crashed = producerError.code === "BROWSER_CRASHED";
  if (producerError.code === "SITE_CHANGED" && typeof producerError.details.locator === "string" && !crashed) {
    // What the page has instead, so that the fix can be written without opening DevTools.
    const candidates = await new PageGuard(deps.site, pooled.page, deps.logger)
      .candidates(producerError.details.locator)
      .catch(() => []);
    if (candidates.length > 0) producerError.details.candidates = candidates;
  }
  const { pool } = deps;
  producerError.details.artifacts = await saveFailureArtifacts(
    crashed ? undefined : pooled.page,
    deps.artifactsDir,
    `${step}-${producerError.code.toLowerCase()}`,
    crashed
      ? {}
      : {
          saveTrace: (file) => pool.saveTrace(file),
          // Read now, not at the job's start: the page may have refreshed its tokens while it worked.
          secrets: [...(await pool.loginSecrets().catch(() => [])), ...(deps.signIn?.secrets ?? [])],
          ...(pool.browserDir ? { scratchDir: pool.browserDir } : {}),
        },
  );
  deps.logger.warn(
    { code: producerError.code, step, artifacts: producerError.details.artifacts },
    producerError.message,
  );
  return producerError;
}
