import { type ProducerService, SITE_TASKS } from "@producer/core";
import type { Logger } from "@producer/utils";
import { DEFAULT_MODEL_ID } from "./shapes.js";

interface SiteModel {
  id: string;
  label: string;
  isDefault?: boolean;
}

/**
 * The site's models: its live listing (the `models.list` task, kept for ten minutes) where the service runs that
 * task, else — or when the site cannot be asked now — the site profile's known models. A listed model is named by
 * the profile's id when the profile knows it, as `--model` and a generation's `model` name it.
 */
async function siteModels(
  site: { models: ReadonlyArray<{ id: string; label: string }> },
  service: Pick<ProducerService, "runTask">,
  logger: Logger | undefined,
): Promise<SiteModel[]> {
  if (Object.hasOwn(SITE_TASKS, "models.list")) {
    try {
      const listed = (await service.runTask({ kind: "models.list" })).result.models;
      if (Array.isArray(listed) && listed.length > 0)
        return (listed as Array<{ name: string; isDefault?: boolean }>).map((model) => ({
          id: site.models.find((known) => known.label === model.name)?.id ?? model.name,
          label: model.name,
          isDefault: model.isDefault === true,
        }));
    } catch (error) {
      logger?.warn({ error }, "the site's models could not be listed; answering the profile's");
    }
  }
  return site.models.map((model) => ({ ...model }));
}

/** An OpenAI `list` of models: `producer` (the site's default model) first, then each model of the site. */
export async function modelList(
  site: { profile: string; models: ReadonlyArray<{ id: string; label: string }> },
  service: Pick<ProducerService, "runTask">,
  logger: Logger | undefined,
) {
  const created = 0;
  const models = await siteModels(site, service, logger);
  return {
    object: "list" as const,
    data: [
      { id: DEFAULT_MODEL_ID, object: "model" as const, created, owned_by: `producer (${site.profile})` },
      ...models.map((model) => ({
        id: model.id,
        object: "model" as const,
        created,
        owned_by: site.profile,
        name: model.label,
        ...(model.isDefault ? { default: true } : {}),
      })),
    ],
  };
}
