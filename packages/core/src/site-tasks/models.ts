import { z } from "zod";
import { optional, typeError } from "../generate-input.js";
import { keepListing, keptListing, type ModelListing, type SiteModel } from "./model-listing.js";
import type { SiteTaskSpec } from "./site-task-spec.js";

export type { SiteModel };

/** How long a listing of the site's models is answered from memory before `models.list` asks the site again. */
export const MODELS_TTL_MS = 10 * 60_000;

/** What `models.list` answers: the site's models, when they were read, and whether this answer came from memory. */
export interface ListModelsResult {
  models: SiteModel[];
  fetchedAt: string;
  ageSecs: number;
  cached: boolean;
}

const answerOf = (kept: ModelListing, cached: boolean): ListModelsResult => ({
  models: kept.models.map((model) => ({ ...model })),
  fetchedAt: new Date(kept.fetchedAt).toISOString(),
  ageSecs: Math.max(0, Math.round((Date.now() - kept.fetchedAt) / 1000)),
  cached,
});

const listModels: SiteTaskSpec = {
  schema: z.strictObject({
    refresh: optional(z.boolean({ error: typeError("true or false") })).describe(
      "Ask the site even when a listing younger than 10 minutes is kept.",
    ),
  }),
  kept(settings, deps) {
    const kept = keptListing(deps.config.site);
    if (!kept || settings.refresh === true || Date.now() - kept.fetchedAt >= MODELS_TTL_MS) return undefined;
    return { ...answerOf(kept, true) };
  },
  async finish(result, _settings, deps) {
    const models = Array.isArray(result.models) ? (result.models as SiteModel[]) : [];
    const kept = { models, fetchedAt: Date.now() };
    keepListing(deps.config.site, kept);
    return { ...answerOf(kept, false) };
  },
};

/** `models.list { refresh? }`: the site's models, kept for ten minutes. */
export const MODEL_TASK_SPECS = { "models.list": listModels } as const;
