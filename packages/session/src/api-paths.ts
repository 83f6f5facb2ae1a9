import type { Request } from "playwright";
import type { Site } from "./site.js";

/**
 * Whether `url` is the profile's API path `key`: a path with `{placeholders}` or a trailing slash names a prefix,
 * any other path names itself exactly.
 */
export function matchesApiPath(site: Site, key: string, url: URL): boolean {
  const apiPath = site.api[key];
  if (!apiPath) return false;
  const bare = (apiPath.split("?")[0] as string).split("{")[0] as string;
  return apiPath.split("?")[0]?.includes("{") || bare.endsWith("/")
    ? url.pathname.startsWith(bare)
    : url.pathname === bare;
}

/** A request's JSON body; empty when it has none or it is not JSON. */
export function requestBody(request: Request): Record<string, unknown> {
  try {
    return (request.postDataJSON() as Record<string, unknown> | null) ?? {};
  } catch {
    return {};
  }
}
