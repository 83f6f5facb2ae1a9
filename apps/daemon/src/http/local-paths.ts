import path from "node:path";
import { pathToFileURL } from "node:url";
import type { MiddlewareHandler } from "hono";
import { requestSource } from "./request-source.js";

/**
 * Answers over TCP name no absolute local path: a failure artifact becomes its `/v1/artifacts/…` link, anything
 * else under the data dir `<dataDir>/…`. The socket's owner (the CLI) gets the paths as they are, to open them.
 */
export function pathRedactor(dirs: { dataDir: string; artifactsDir: string }): (value: unknown) => unknown {
  const artifacts = path.resolve(dirs.artifactsDir) + path.sep;
  const data = path.resolve(dirs.dataDir) + path.sep;
  const dataUrl = pathToFileURL(data).href;
  const text = (value: string): string => {
    if (value.startsWith(artifacts))
      return `/v1/artifacts/${value.slice(artifacts.length).split(path.sep).map(encodeURIComponent).join("/")}`;
    if (value.startsWith(data)) return `<dataDir>/${value.slice(data.length)}`;
    if (value.startsWith(dataUrl)) return `file://<dataDir>/${value.slice(dataUrl.length)}`;
    // Paths inside messages ("… saved in /home/…/artifacts/…").
    return value.includes(data) ? value.split(artifacts).join("/v1/artifacts/").split(data).join("<dataDir>/") : value;
  };
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") return text(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, walk(inner)]));
    return value;
  };
  return walk;
}

/** Rewrites JSON answers sent over TCP with `redact`. */
export function redactLocalPaths(redact: (value: unknown) => unknown): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (
      requestSource(c).transport !== "tcp" ||
      !(c.res.headers.get("content-type") ?? "").startsWith("application/json")
    )
      return;
    const body = (await c.res.text()) || "null";
    const headers = new Headers(c.res.headers);
    headers.delete("content-length");
    c.res = new Response(JSON.stringify(redact(JSON.parse(body))), { status: c.res.status, headers });
  };
}
