import path from "node:path";
import {
  createTempDir,
  GenerationMayExistError,
  InvalidInputError,
  type MusicGenerator,
  ProducerError,
  UnavailableError,
} from "@producer/utils";
import { issuesToFields } from "../generate-input.js";
import { SITE_TASKS } from "./index.js";
import type { TaskDeps } from "./site-task-spec.js";

/** What `runTask` takes: the task's kind, the account to run it on, and the kind's own settings. */
export interface SiteTaskInput {
  kind: string;
  account?: string;
  [setting: string]: unknown;
}

/** What `runTask` answers: the kind, the account it ran on, and its result. */
export interface SiteTaskResult {
  kind: string;
  account: string | null;
  result: Record<string, unknown>;
}

const invalid = (kind: string, fields: Array<{ path: string; message: string }>) =>
  new InvalidInputError(
    `Invalid ${kind || "task"} request: ${fields.map((field) => `${field.path} ${field.message}`.trim()).join("; ")}.`,
    fields,
  );

/**
 * Checks a task against its kind's schema (every problem named at once, nothing sent), runs it on the site
 * through the generator, and finishes it (a fetched file stored, say); the folder the driver filled is removed.
 */
export async function runSiteTask(
  input: unknown,
  deps: Omit<TaskDeps, "downloadDir"> & { generator: MusicGenerator | undefined; accounts: readonly string[] },
): Promise<SiteTaskResult> {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    throw invalid("task", [{ path: "", message: "must be an object with a kind" }]);
  const { kind, account, ...settings } = input as Record<string, unknown>;
  const spec = typeof kind === "string" && Object.hasOwn(SITE_TASKS, kind) ? SITE_TASKS[kind] : undefined;
  if (!spec || typeof kind !== "string") {
    throw invalid("task", [
      { path: "kind", message: `must be one of ${Object.keys(SITE_TASKS).join(", ") || "(none)"}` },
    ]);
  }
  const parsed = spec.schema.safeParse(settings);
  const fields = parsed.success ? [] : issuesToFields(parsed.error.issues);
  if (account !== undefined && (typeof account !== "string" || !deps.accounts.includes(account)))
    fields.push({ path: "account", message: `must be one of ${deps.accounts.join(", ")}` });
  if (!parsed.success || fields.length > 0) throw invalid(kind, fields);
  const kept = spec.kept?.(parsed.data, deps);
  if (kept) return { kind, account: typeof account === "string" ? account : null, result: kept };
  // A kind that names its song by one of ours (a track) finds its site id, and the account holding it, first.
  const asked = typeof account === "string" ? account : undefined;
  const prepared = spec.prepare
    ? await spec.prepare(parsed.data, { ...deps, ...(asked ? { account: asked } : {}) })
    : { settings: parsed.data, account: asked };
  if (spec.run) {
    const result = await spec.run(parsed.data, { ...deps, account: typeof account === "string" ? account : undefined });
    return { kind, account: result.account, result };
  }
  if (!deps.generator?.runTask) {
    throw new UnavailableError("This process drives no site that can run tasks.", { details: { step: "task", kind } });
  }
  const folder = await createTempDir(`task-`, path.join(deps.config.paths.downloadsDir));
  try {
    const answer = await deps.generator
      .runTask(
        { kind, ...prepared.settings },
        {
          downloadDir: folder.path,
          onSubmission: (record) => deps.tracks.own.noteSubmission(record, null),
          ...(prepared.account ? { account: prepared.account } : {}),
        },
      )
      .catch((error: unknown) => {
        throw answerLostOnce(kind, error);
      });
    const result = spec.finish
      ? await spec.finish(answer.result, prepared.settings, { ...deps, downloadDir: folder.path })
      : answer.result;
    return { kind, account: answer.account, result };
  } finally {
    await folder.cleanup();
  }
}

/**
 * A task has no job to resume: when the site took its call but the answer was lost, the work may be done (and
 * paid), so the error says so and is not one to try again blindly.
 */
function answerLostOnce(kind: string, error: unknown): unknown {
  if (!ProducerError.isInstance(error) || error.details.answerLost !== true) return error;
  return new GenerationMayExistError(
    `The site took the ${kind} call but its answer was lost; it may have been done (and paid for), so it was not sent again: ${error.message}`,
    { cause: error, details: { ...error.details, kind } },
  );
}
