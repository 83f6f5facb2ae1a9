import type { Locator, Page } from "playwright";
import type { LocatorSpec } from "@producer/config";
import { SiteChangedError } from "@producer/utils";
import type { Site } from "./site.js";

export type LocatorVars = Record<string, string | undefined>;

const fill = (text: string, vars: LocatorVars) =>
  text.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);

const xpathLiteral = (text: string) =>
  !text.includes('"')
    ? `"${text}"`
    : !text.includes("'")
      ? `'${text}'`
      : `concat("${text.replaceAll('"', `", '"', "`)}")`;

/** Escapes a placeholder value for use inside a CSS attribute selector. */
const cssValue = (value: string) => value.replace(/["\\]/g, "\\$&");

/**
 * Turns a profile locator into a Playwright locator under `root` (the page, or a row or card for per-song actions),
 * with `{title}`-style placeholders filled from `vars`.
 */
export function toLocator(root: Page | Locator, spec: LocatorSpec, vars: LocatorVars = {}): Locator {
  if (typeof spec === "string") return root.locator(fill(spec, mapValues(vars, cssValue)));
  if ("any" in spec) {
    return spec.any.map((one) => toLocator(root, one, vars)).reduce((all, one) => all.or(one));
  }
  if ("css" in spec) return root.locator(fill(spec.css, mapValues(vars, cssValue)));
  if ("role" in spec) {
    const role = spec.role as Parameters<Page["getByRole"]>[0];
    if (spec.name && spec.startsWith)
      return root.getByRole(role, { name: new RegExp(`^\\s*${escapeRegExp(fill(spec.name, vars))}`) });
    const options: { name?: string; exact?: boolean } = {};
    if (spec.name) options.name = fill(spec.name, vars);
    if (spec.exact) options.exact = true;
    return root.getByRole(role, options);
  }
  if ("after" in spec) {
    const text = xpathLiteral(fill(spec.after, vars));
    return root.locator(`xpath=.//*[normalize-space(text())=${text}]/following::${spec.tag}[1]`);
  }
  return root.getByText(fill(spec.text, vars), spec.exact ? { exact: true } : {});
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function mapValues(vars: LocatorVars, map: (value: string) => string): LocatorVars {
  return Object.fromEntries(
    Object.entries(vars).map(([key, value]) => [key, value === undefined ? undefined : map(value)]),
  );
}

/** A locator spec as a user reads it in an error: `{"role":"button","name":"Generate"}` or the CSS string. */
export function describeLocator(spec: LocatorSpec | undefined): string {
  return JSON.stringify(spec ?? null);
}

/** The profile's locator `key`; a key the profile lacks is a SITE_CHANGED naming it (never a crash). */
export function locate(site: Site, root: Page | Locator, key: string, vars: LocatorVars = {}): Locator {
  const spec = site.locators[key];
  if (spec === undefined) {
    throw new SiteChangedError(`The site profile ${site.profile} has no locator "${key}" (site.locators.${key}).`, {
      details: { locator: key, profile: site.profile },
    });
  }
  return toLocator(root, spec, vars);
}

/** The newest open menu on the page (menus are portaled to its end), as the profile's `menus.menu` says a menu is. */
export function newestMenu(site: Site, page: Page): Locator {
  return toLocator(page, site.menus.menu).filter({ visible: true }).last();
}

/** A page path of the profile with `{id}`-style placeholders filled. */
export function sitePath(site: Site, key: string, vars: LocatorVars = {}): string {
  const value = site.paths[key];
  if (value === undefined) {
    throw new SiteChangedError(`The site profile ${site.profile} has no path "${key}" (site.paths.${key}).`, {
      details: { path: key, profile: site.profile },
    });
  }
  return fill(value, mapValues(vars, encodeURIComponent));
}

export const siteUrl = (site: Site, key: string, vars: LocatorVars = {}) =>
  `${site.baseUrl}${sitePath(site, key, vars)}`;
