import type { ResolvedConfig } from "./load.js";
import type { ResolvedSite } from "./resolve-site.js";
import { SHIPPED_PROFILES } from "./profiles/index.js";
import type { SiteProfileInput } from "./site-profile.js";

/** One value of the effective profile and where it came from. */
export interface ProfileEntry {
  /** `locators.generateButton`, `timeouts.elementMs`, `baseUrl`, … */
  key: string;
  value: unknown;
  /** `built-in <name>`, `profile file <path>`, or the configuration's source (`env NAME`, `file <path>`, `option`). */
  source: string;
}

/**
 * The profile the driver uses — the named profile with every configuration override laid on it — as a profile
 * document: saved as JSON and named by `site.profile`, it gives the same site. Edit it to repair a drifted
 * locator.
 */
export function effectiveProfile(site: ResolvedSite): SiteProfileInput {
  return {
    name: site.profile,
    ...(site.description ? { description: site.description } : {}),
    flow: site.flow,
    baseUrl: site.baseUrl,
    paths: { ...site.paths },
    locators: structuredClone(site.locators) as SiteProfileInput["locators"],
    api: { ...site.api },
    menus: {
      submenuPick: site.menus.submenuPick,
      find: [...site.menus.find],
      menu: structuredClone(site.menus.menu),
      item: structuredClone(site.menus.item),
    },
    tools: { ...site.tools },
    ...(site.toolCalls ? { toolCalls: structuredClone(site.toolCalls) } : {}),
    ...(site.answers ? { answers: structuredClone(site.answers) } : {}),
    timeouts: { ...site.timeouts },
    controls: [...site.controls],
    modes: [...site.modes],
    models: site.models.map((model) => ({ ...model })),
    ...(site.defaultModel ? { defaultModel: site.defaultModel } : {}),
    formats: [...site.formats],
    creditsPerSong: site.creditsPerSong,
    songsPerGeneration: site.songsPerGeneration,
  };
}

/** Each value of the effective profile, with where it came from: the profile, or a configuration override. */
export function profileEntries(resolved: ResolvedConfig): ProfileEntry[] {
  const site = resolved.config.site;
  const profileSource =
    site.profileSource === "shipped" ? `built-in ${site.profile}` : `profile file ${site.profileSource}`;
  const shipped = (SHIPPED_PROFILES as Record<string, { timeouts?: Record<string, number> }>)[site.profile];
  const overridden = (setting: string) => resolved.sources.get(setting);
  const entries: ProfileEntry[] = [];
  const add = (key: string, value: unknown, setting?: string) => {
    const source = setting ? overridden(setting) : undefined;
    entries.push({ key, value, source: source ?? profileSource });
  };
  const document = effectiveProfile(site);
  add("baseUrl", document.baseUrl, "site.baseUrl");
  for (const [key, value] of Object.entries(document.paths)) add(`paths.${key}`, value, `site.paths.${key}`);
  // The override maps are one setting each: an entry the configuration set says so, the others are the profile's.
  for (const [key, value] of Object.entries(document.locators)) {
    const own = site.overridden.locators.includes(key);
    entries.push({
      key: `locators.${key}`,
      value,
      source: own ? (overridden("site.locators") ?? "option") : profileSource,
    });
  }
  for (const [key, value] of Object.entries(document.api ?? {})) {
    const own = site.overridden.api.includes(key);
    entries.push({ key: `api.${key}`, value, source: own ? (overridden("site.api") ?? "option") : profileSource });
  }
  add("menus.submenuPick", document.menus?.submenuPick, "site.submenuPick");
  add("menus.find", document.menus?.find);
  add("menus.menu", document.menus?.menu);
  add("menus.item", document.menus?.item);
  for (const [key, value] of Object.entries(document.timeouts ?? {})) {
    const fromProfile = shipped?.timeouts?.[key] !== undefined || site.profileSource !== "shipped";
    const setting = `site.timeouts.${key}`;
    entries.push({
      key: `timeouts.${key}`,
      value,
      source: overridden(setting) ?? (fromProfile ? profileSource : "default"),
    });
  }
  return entries;
}
