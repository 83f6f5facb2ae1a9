import fs from "node:fs";
import path from "node:path";
import type { z } from "zod";
import type { ConfigIssue } from "./config-error.js";
import { SHIPPED_PROFILES } from "./profiles/index.js";
import type { ParsedConfig } from "./schema.js";
import { envNameFor } from "./settings-table.js";
import { siteProfileSchema, type SiteProfile } from "./site-profile.js";

type Timeouts = ParsedConfig["site"]["timeouts"];

/** The site as the driver sees it: the profile with every override of the configuration applied. */
export type ResolvedSite = Omit<SiteProfile, "timeouts" | "menus"> & {
  /** The profile's name, and where it came from (`shipped` or a file path). */
  profile: string;
  profileSource: string;
  menus: SiteProfile["menus"];
  timeouts: Timeouts;
  pacing: ParsedConfig["site"]["pacing"];
  downloadFormat: ParsedConfig["site"]["downloadFormat"];
  /** How a new compose song is sent: the panel (`ui`) or the app's own tool call from inside the page (`api`). */
  submit: ParsedConfig["site"]["submit"];
  /** Who may see each new song, set once it is stored; unset leaves the site's default. */
  songPrivacy: ParsedConfig["site"]["songPrivacy"];
  /** The locator and API keys the configuration itself set over the profile's. */
  overridden: { locators: string[]; api: string[] };
};

function readProfile(reference: string, cwd: string): { raw: unknown; source: string } | ConfigIssue {
  if (reference in SHIPPED_PROFILES) {
    return { raw: structuredClone(SHIPPED_PROFILES[reference as keyof typeof SHIPPED_PROFILES]), source: "shipped" };
  }
  const file = path.resolve(cwd, reference);
  const issue = (expected: string): ConfigIssue => ({
    path: "site.profile",
    env: envNameFor("site.profile"),
    source: "site.profile",
    received: JSON.stringify(reference),
    expected,
  });
  if (!/\.json$/i.test(reference) || !fs.existsSync(file)) {
    return issue(`one of ${Object.keys(SHIPPED_PROFILES).join(", ")}, or the path of a profile .json file`);
  }
  try {
    return { raw: JSON.parse(fs.readFileSync(file, "utf8")) as unknown, source: file };
  } catch (error) {
    return issue(`a readable JSON profile (${(error as Error).message})`);
  }
}

/**
 * Loads the profile `site.profile` names and lays the configuration's site overrides on it: base URL, paths,
 * single locators and API paths, the submenu way, and timeouts. Timeouts go default < profile < a value the
 * user set (`explicit`). Every problem is returned as an issue naming the key.
 */
export function resolveSite(
  site: ParsedConfig["site"],
  options: { cwd: string; explicit: (dotted: string) => boolean },
): ResolvedSite | ConfigIssue[] {
  const found = readProfile(site.profile, options.cwd);
  if ("path" in found) return [found];
  const raw = found.raw as Record<string, unknown>;
  const merged: Record<string, unknown> = {
    ...raw,
    ...(site.baseUrl ? { baseUrl: site.baseUrl } : {}),
    paths: { ...(raw.paths as object), ...definedOnly(site.paths) },
    locators: { ...(raw.locators as object), ...site.locators },
    api: { ...(raw.api as object), ...site.api },
    menus: { ...(raw.menus as object), ...(site.submenuPick ? { submenuPick: site.submenuPick } : {}) },
  };
  const result = siteProfileSchema.safeParse(merged);
  if (!result.success) return result.error.issues.map((issue) => profileIssue(issue, site.profile, found.source));
  const profile = result.data;
  const timeouts = { ...site.timeouts };
  for (const [key, value] of Object.entries(profile.timeouts) as Array<[keyof Timeouts, number | undefined]>) {
    if (value !== undefined && !options.explicit(`site.timeouts.${key}`)) timeouts[key] = value;
  }
  return {
    ...profile,
    profile: profile.name,
    profileSource: found.source,
    timeouts,
    pacing: site.pacing,
    downloadFormat: site.downloadFormat,
    submit: site.submit,
    songPrivacy: site.songPrivacy,
    overridden: { locators: Object.keys(site.locators), api: Object.keys(site.api) },
  };
}

function definedOnly(record: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

function profileIssue(issue: z.core.$ZodIssue, reference: string, source: string): ConfigIssue {
  const key = issue.path.map(String).join(".");
  const overridable = ["locators", "api", "paths"].includes(String(issue.path[0]));
  return {
    path: overridable ? `site.${key}` : `site.profile (${key})`,
    env: overridable ? envNameFor(`site.${String(issue.path[0])}`) : envNameFor("site.profile"),
    source: source === "shipped" ? `profile ${reference}` : `profile file ${source}`,
    received: "the profile's value",
    expected: issue.message,
  };
}
