import type { ResolvedSite } from "@producer/config";

/** One model the site offers: its public name (what `--model` may name) and whether it is the default. */
export interface SiteModel {
  name: string;
  isDefault: boolean;
}

/** A listing of the site's models and when it was read. */
export interface ModelListing {
  models: SiteModel[];
  fetchedAt: number;
}

/** The latest listing, per configured site (one per service configuration). */
const listings = new WeakMap<object, ModelListing>();

export const keptListing = (site: object): ModelListing | undefined => listings.get(site);
export const keepListing = (site: object, listing: ModelListing): void => void listings.set(site, listing);

/**
 * The site as a generation's `model` is checked against: with the latest listing's models (each by the profile's
 * id when the profile knows its name, else by its public name), or as the profile has it while none was read.
 */
export function withListedModels<Site extends Pick<ResolvedSite, "models">>(site: Site): Site {
  const kept = listings.get(site);
  if (!kept || kept.models.length === 0) return site;
  const models = kept.models.map((model) => ({
    id: site.models.find((known) => known.label === model.name)?.id ?? model.name,
    label: model.name,
  }));
  return { ...site, models };
}
