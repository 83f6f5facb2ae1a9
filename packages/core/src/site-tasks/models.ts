import type { ProducerConfig, ResolvedSite } from "@producer/config";
import { z } from "zod";
import { optional, typeError } from "../generate-input.js";
import type { SiteTaskSpec } from "./site-task-spec.js";

/** How long a listing of the site's models is answered from memory before `models.list` asks the site again. */
export const MODELS_TTL_MS = 10 * 60_000;

/** One model the site offers: its public name (what `--model` may name) and whether it is the default. */
export interface SiteModel {
  name: string;
  isDefault: boolean;
}

/** What `models.list` answers: the site's models, when they were read, and whether this answer came from memory. */
export interface ListModelsResult {
  models: SiteModel[];
  fetchedAt: string;
  ageSecs: number;
  cached: boolean;
}

/** The latest listing, per service configuration (one cache per service). */
const listings = new WeakMap<ProducerConfig, { models: SiteModel[]; fetchedAt: number }>();

const answerOf = (kept: { models: SiteModel[]; fetchedAt: number }, cached: boolean): ListModelsResult => ({
  models: kept.models.map((model) => ({ ...model })),
  fetchedAt: new Date(kept.fetchedAt).toISOString(),
  ageSecs: Math.max(0, Math.round((Date.now() - kept.fetchedAt) / 1000)),
  cached,
});

/**
 * The site's models as the profile names them, for checking a generation's `model`: the latest listing (each
 * model by the profile's id when the profile knows its name, else by its public name), or the profile's own
 * models while no listing was read.
 */
export function siteWithListedModels(config: ProducerConfig): ResolvedSite {
  const kept = listings.get(config);
  if (!kept || kept.models.length === 0) return config.site;
  const models = kept.models.map((model) => ({
    id: config.site.models.find((known) => known.label === model.name)?.id ?? model.name,
    label: model.name,
  }));
  return { ...config.site, models };
}

const listModels: SiteTaskSpec = {
  schema: z.strictObject({
    refresh: optional(z.boolean({ error: typeError("true or false") })).describe(
      "Ask the site even when a listing younger than 10 minutes is kept.",
    ),
  }),
  kept(settings, deps) {
    const kept = listings.get(deps.config);
    if (!kept || settings.refresh === true || Date.now() - kept.fetchedAt >= MODELS_TTL_MS) return undefined;
    return { ...answerOf(kept, true) };
  },
  async finish(result, _settings, deps) {
    const models = Array.isArray(result.models) ? (result.models as SiteModel[]) : [];
    const kept = { models, fetchedAt: Date.now() };
    listings.set(deps.config, kept);
    return { ...answerOf(kept, false) };
  },
};

/** `models.list { refresh? }`: the site's models, kept for ten minutes. */
export const MODEL_TASK_SPECS = { "models.list": listModels } as const;
