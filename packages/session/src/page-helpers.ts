// biome-ignore-all lint/suspicious/noExplicitAny: these functions run inside the page, whose global object holds the helpers they install
import type { Page } from "playwright";

/** The binding through which a stream read inside the page hands each event to the driver. */
const STREAM_BINDING = "__producerStreamEvent";

export type StreamEventHandler = (key: string, event: string, data: string) => void;

const installed = new WeakSet<Page>();
const routers = new WeakMap<Page, StreamEventHandler>();

/**
 * What runs inside every document of a driven page: the Bearer token as the page keeps it (its Supabase
 * cookie, chunks joined), JSON calls to the page's own API, a message stream read as it arrives (each event
 * handed to the driver at once: the stream may never end, and Playwright gives a response body only at its
 * end), and a download through the page's own fetch saved as a browser download. Self-contained: it is
 * serialised into the page.
 */
function installPageHelpers(bindingName: string): void {
  const page = globalThis as any;
  if (page.__producer) return;
  const readCookieToken = (): string => {
    const jar: Record<string, string> = {};
    for (const pair of String(page.document?.cookie ?? "").split("; ")) {
      const at = pair.indexOf("=");
      if (at > 0) jar[pair.slice(0, at)] = pair.slice(at + 1);
    }
    const base = Object.keys(jar)
      .map((name) => /^(sb-.+-auth-token)(\.\d+)?$/.exec(name)?.[1])
      .find(Boolean);
    if (!base) return "";
    let value = jar[base] ?? "";
    for (let index = 0; jar[`${base}.${index}`] !== undefined; index += 1) value += jar[`${base}.${index}`];
    try {
      value = decodeURIComponent(value);
    } catch {
      // not URI-encoded
    }
    let json = value;
    if (value.startsWith("base64-")) {
      const b64 = value.slice(7).replace(/-/g, "+").replace(/_/g, "/");
      const bytes = Uint8Array.from(page.atob(b64 + "===".slice((b64.length + 3) % 4)), (ch: string) =>
        ch.charCodeAt(0),
      );
      json = new TextDecoder().decode(bytes);
    }
    try {
      return (JSON.parse(json) as { access_token?: string }).access_token ?? "";
    } catch {
      return "";
    }
  };
  const headers = (given: string, extra: Record<string, string> = {}) => {
    const token = readCookieToken() || given;
    return { ...extra, ...(token ? { authorization: `Bearer ${token}` } : {}) };
  };
  const streams = new Map<string, AbortController>();
  page.__producer = {
    async json(url: string, init: { method: string; body?: unknown; token: string }) {
      const response = await fetch(url, {
        method: init.method,
        credentials: "include",
        headers: headers(init.token, { "content-type": "application/json" }),
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
      const text = await response.text();
      const json: unknown = await Promise.resolve(text)
        .then(JSON.parse)
        .catch(() => null);
      return { status: response.status, json, retryAfter: response.headers.get("retry-after") };
    },
    authHeaders: (token: string) => headers(token), // the Bearer as the page keeps it, for inPageMultipart
    stream(url: string, key: string, token: string) {
      streams.get(key)?.abort();
      const controller = new AbortController();
      streams.set(key, controller);
      const emit = (event: string, data: string) => page[bindingName]?.(key, event, data);
      void (async () => {
        try {
          const response = await fetch(url, {
            credentials: "include",
            headers: headers(token, { accept: "text/event-stream" }),
            signal: controller.signal,
          });
          if (!response.ok || !response.body) {
            await emit("http-error", String(response.status));
            return;
          }
          const reader = response.body.getReader();
          const decoder = new TextDecoder();
          let buffer = "";
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
            let at = buffer.indexOf("\n\n");
            while (at >= 0) {
              const block = buffer.slice(0, at);
              buffer = buffer.slice(at + 2);
              let event = "message";
              const data: string[] = [];
              for (const line of block.split("\n")) {
                if (line.startsWith("event:")) event = line.slice(6).trim();
                else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
              }
              if (data.length > 0) await emit(event, data.join("\n"));
              at = buffer.indexOf("\n\n");
            }
          }
          await emit("end", "");
        } catch (error) {
          if (!controller.signal.aborted) await emit("stream-failed", String(error));
        } finally {
          if (streams.get(key) === controller) streams.delete(key);
        }
      })();
    },
    closeStream(key: string) {
      streams.get(key)?.abort();
      streams.delete(key);
    },
    async download(url: string, token: string, fileName: string) {
      const response = await fetch(url, { credentials: "include", headers: headers(token) });
      if (!response.ok) return { status: response.status, bytes: 0 };
      const blob = await response.blob();
      const href = URL.createObjectURL(blob);
      const link = page.document.createElement("a");
      link.href = href;
      link.download = fileName;
      link.style.display = "none";
      page.document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(href), 120_000);
      return { status: response.status, bytes: blob.size };
    },
  };
}

/**
 * Installs the helpers into the page (its current document and every later one) once per page, and routes
 * the events of streams read inside it to `onStreamEvent` — the handler of whoever drives the page now.
 */
export async function preparePage(page: Page, onStreamEvent: StreamEventHandler): Promise<void> {
  routers.set(page, onStreamEvent);
  if (installed.has(page)) {
    // A document loaded before installation finished, or a page that navigated: make sure its helpers exist.
    await page.evaluate(installPageHelpers, STREAM_BINDING).catch(() => undefined);
    return;
  }
  installed.add(page);
  await page.exposeBinding(STREAM_BINDING, (_source, key: string, event: string, data: string) => {
    routers.get(page)?.(key, event, data);
  });
  await page.addInitScript(installPageHelpers, STREAM_BINDING);
  await page.evaluate(installPageHelpers, STREAM_BINDING).catch(() => undefined);
}

/** Stops routing the page's stream events (the driver is done with it). */
export function releasePage(page: Page, onStreamEvent: StreamEventHandler): void {
  if (routers.get(page) === onStreamEvent) routers.delete(page);
}

export interface InPageAnswer {
  status: number;
  json: unknown;
  retryAfter: string | null;
}

/** Calls the page's own API from inside it (its origin, cookies and Bearer token). */
export async function inPageJson(
  page: Page,
  url: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<InPageAnswer> {
  return page.evaluate(
    ({ url, init }) => {
      const helpers = (globalThis as any).__producer;
      return helpers.json(url, init);
    },
    { url, init: { method: init.method ?? "GET", body: init.body, token: init.token ?? "" } },
  );
}

/** Starts reading a message stream inside the page; its events reach the page's stream handler. */
export async function inPageStream(page: Page, url: string, key: string, token = ""): Promise<void> {
  await page.evaluate(
    ({ url, key, token }) => {
      (globalThis as any).__producer.stream(url, key, token);
    },
    { url, key, token },
  );
}

export async function closeInPageStream(page: Page, key: string): Promise<void> {
  await page
    .evaluate((key) => {
      (globalThis as any).__producer?.closeStream(key);
    }, key)
    .catch(() => undefined);
}

/** Fetches a file with the page's Bearer token and hands it to the browser as a download named `fileName`. */
export async function inPageDownload(
  page: Page,
  url: string,
  fileName: string,
  token = "",
): Promise<{ status: number; bytes: number }> {
  return page.evaluate(
    ({ url, fileName, token }) => {
      return (globalThis as any).__producer.download(url, token, fileName);
    },
    { url, fileName, token },
  );
}

/** A file sent by `inPageMultipart`: its form field, bytes (base64), name and mime. */
export interface InPageFile {
  field: string;
  base64: string;
  name: string;
  type: string;
}

/**
 * Posts a multipart form from inside the page (its origin, cookies and Bearer token), as the page's own upload
 * does: the file first, then the other fields. The bytes travel into the page as base64.
 */
export async function inPageMultipart(
  page: Page,
  url: string,
  init: { fields: Record<string, string>; file: InPageFile; token?: string },
): Promise<InPageAnswer> {
  return page.evaluate(
    async ({ url, init }) => {
      const helpers = (globalThis as any).__producer;
      const binary = (globalThis as any).atob(init.file.base64) as string;
      const bytes = new Uint8Array(binary.length);
      for (let at = 0; at < binary.length; at += 1) bytes[at] = binary.charCodeAt(at);
      const form = new FormData();
      form.append(init.file.field, new Blob([bytes], { type: init.file.type }), init.file.name);
      for (const [name, value] of Object.entries(init.fields)) form.append(name, value);
      // No content-type of our own: the browser writes the multipart boundary.
      const response = await fetch(url, {
        method: "POST",
        credentials: "include",
        headers: helpers.authHeaders(init.token),
        body: form,
      });
      const json: unknown = await response
        .text()
        .then(JSON.parse)
        .catch(() => null);
      return { status: response.status, json, retryAfter: response.headers.get("retry-after") };
    },
    { url, init: { ...init, token: init.token ?? "" } },
  );
}
