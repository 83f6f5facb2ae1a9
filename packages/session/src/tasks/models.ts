import { SiteChangedError } from "@producer/utils";
import type { SiteTaskHandler } from "./site-task-handler.js";

/**
 * `models.list` → `{ models: [{ name, isDefault }] }`: the site's own listing (`GET /__api/models` →
 * `{ models: [{ public_name, is_default, … }] }`), read from inside the page; spends nothing.
 */
const listModels: SiteTaskHandler = async (_task, { context }) => {
  const answer = await context.traffic.fetchJson("models");
  const listed = (answer?.json as { models?: unknown } | null | undefined)?.models;
  if (answer?.status !== 200 || !Array.isArray(listed)) {
    throw new SiteChangedError(
      answer
        ? `The site's models listing answered HTTP ${answer.status} without a models list.`
        : `The ${context.site.profile} profile names no api.models.`,
      { details: { step: "task", httpStatus: answer?.status ?? null, profileKeys: ["api.models"] } },
    );
  }
  const models = listed
    .filter((model): model is { public_name: string; is_default?: unknown } => typeof model?.public_name === "string")
    .map((model) => ({ name: model.public_name, isDefault: model.is_default === true }));
  return { models };
};

export const MODEL_TASKS = { "models.list": listModels } as const;
