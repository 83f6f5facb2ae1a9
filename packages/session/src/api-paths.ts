import type { Request } from "playwright";
import type { Site } from "./site.js";

/**
 * Whether `url` is the profile's API path `key`: a `{placeholder}` stands for one path segment, a trailing slash
 * names a prefix, any other path names itself exactly.
 */
export function matchesApiPath(site: Site, key: string, url: URL): boolean {
  const apiPath = site.api[key];
  if (!apiPath) return false;
  const path = apiPath.split("?")[0] as string;
  if (path.includes("{")) {
    // Each `{name}` stands for one path segment: `…/upload-audio/{clipId}/remove-vocals` is not its check.
    const escaped = path.split(/\{\w+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    return new RegExp(`^${escaped.join("[^/]+")}$`).test(url.pathname);
  }
  return path.endsWith("/") ? url.pathname.startsWith(path) : url.pathname === path;
}

/** A request's JSON body; empty when it has none or it is not JSON. */
export function requestBody(request: Request): Record<string, unknown> {
  try {
    return (request.postDataJSON() as Record<string, unknown> | null) ?? {};
  } catch {
    return {};
  }
}
