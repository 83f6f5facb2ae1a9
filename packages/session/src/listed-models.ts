import type { Site } from "./site.js";

/** The public names of the models each site listed last (`models.list`), kept for every account's driver. */
const listed = new WeakMap<object, string[]>();

/** Keeps the model names a `models.list` answered (`{ models: [{ name }] }`) for the site. */
export function noteListedModels(site: Site, result: Record<string, unknown>): void {
  const models = Array.isArray(result.models) ? result.models : [];
  const names = models
    .map((model) => (model as { name?: unknown } | null)?.name)
    .filter((name): name is string => typeof name === "string" && name.length > 0);
  if (names.length > 0) listed.set(site, names);
}

/**
 * The site with the models it listed last beside the profile's: one the profile does not know is asked for by its
 * public name (its id and its label), as the picker and the app's calls name it.
 */
export function withListedModels(site: Site): Site {
  const names = listed.get(site) ?? [];
  const unknown = names.filter((name) => !site.models.some((model) => model.label === name || model.id === name));
  if (unknown.length === 0) return site;
  return { ...site, models: [...site.models, ...unknown.map((name) => ({ id: name, label: name }))] };
}
