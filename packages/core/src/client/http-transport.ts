import http from "node:http";
import https from "node:https";
import { createParser } from "eventsource-parser";
import { errorFromJSON, ProducerError, UnavailableError, type SerializedProducerError } from "@producer/utils/errors";

export interface Endpoint {
  /** A Unix socket path; takes precedence over `baseUrl`. */
  socketPath?: string;
  /** `http://127.0.0.1:7300` and the like. */
  baseUrl?: string;
  token?: string;
}

export interface TransportRequest {
  method: "GET" | "POST" | "DELETE";
  path: string;
  body?: unknown;
  /** A body sent as it is (a multipart upload), in place of `body` as JSON. */
  raw?: { bytes: Buffer; contentType: string };
  signal?: AbortSignal;
  timeoutMs?: number;
}

function describe(endpoint: Endpoint): string {
  return endpoint.socketPath ? `the socket ${endpoint.socketPath}` : (endpoint.baseUrl ?? "the daemon");
}

/** Opens a request to the daemon and resolves with the response once its headers arrive. */
function open(endpoint: Endpoint, request: TransportRequest): Promise<http.IncomingMessage> {
  const body =
    request.raw?.bytes ?? (request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body)));
  const headers: Record<string, string> = { accept: "application/json" };
  if (body) {
    headers["content-type"] = request.raw?.contentType ?? "application/json";
    headers["content-length"] = String(body.length);
  }
  if (endpoint.token) headers.authorization = `Bearer ${endpoint.token}`;
  let options: http.RequestOptions;
  let client: typeof http | typeof https = http;
  if (endpoint.socketPath) {
    options = { socketPath: endpoint.socketPath, path: request.path, method: request.method, headers };
  } else {
    const url = new URL(request.path, endpoint.baseUrl ?? "http://127.0.0.1");
    client = url.protocol === "https:" ? https : http;
    options = {
      hostname: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      method: request.method,
      headers,
    };
  }
  return new Promise((resolve, reject) => {
    const outgoing = client.request({ ...options, ...(request.signal ? { signal: request.signal } : {}) }, resolve);
    if (request.timeoutMs) {
      outgoing.setTimeout(request.timeoutMs, () =>
        outgoing.destroy(
          new UnavailableError(
            `The producer daemon at ${describe(endpoint)} did not answer within ${request.timeoutMs} ms.`,
          ),
        ),
      );
    }
    outgoing.on("error", (error: NodeJS.ErrnoException) => {
      if (ProducerError.isInstance(error)) return reject(error);
      if (error.name === "AbortError") return reject(error);
      const hint =
        error.code === "ENOENT" || error.code === "ECONNREFUSED"
          ? " Is it running? Start it with `producer daemon`."
          : error.code === "EACCES"
            ? " This user may not open its socket."
            : "";
      reject(
        new UnavailableError(
          `Cannot reach the producer daemon at ${describe(endpoint)} (${error.code ?? error.message}).${hint}`,
          { cause: error },
        ),
      );
    });
    outgoing.end(body);
  });
}

async function readBody(response: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** The daemon's error body as the same `ProducerError` class the daemon threw. */
function errorOf(status: number, text: string): ProducerError {
  try {
    const parsed = JSON.parse(text) as { error?: SerializedProducerError };
    if (parsed.error?.code) return errorFromJSON(parsed.error);
  } catch {
    // not JSON
  }
  return new UnavailableError(`The producer daemon answered HTTP ${status}: ${text.slice(0, 200)}`, {
    retryable: status >= 500,
  });
}

/** One JSON request; a non-2xx answer is thrown as the producer error it carries. */
export async function requestJson<T>(
  endpoint: Endpoint,
  request: TransportRequest,
): Promise<{ status: number; body: T }> {
  const response = await open(endpoint, request);
  const text = await readBody(response);
  const status = response.statusCode ?? 0;
  if (status < 200 || status >= 300) throw errorOf(status, text);
  return { status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** A response's body as a stream (audio and the like); a non-2xx answer is thrown as the producer error it carries. */
export async function requestStream(
  endpoint: Endpoint,
  request: TransportRequest,
): Promise<{ status: number; contentType: string; stream: http.IncomingMessage }> {
  const response = await open(endpoint, { ...request, method: "GET" });
  const status = response.statusCode ?? 0;
  if (status < 200 || status >= 300) throw errorOf(status, await readBody(response));
  return {
    status,
    contentType: String(response.headers["content-type"] ?? "application/octet-stream"),
    stream: response,
  };
}

/**
 * Server-Sent Events from `path`, each as its event name and parsed JSON data, until the stream ends. Read by
 * `eventsource-parser`: CRLF or LF line ends, multi-line data, comments, `id` and `retry` as the standard says.
 */
export async function* streamEvents(
  endpoint: Endpoint,
  request: TransportRequest,
): AsyncGenerator<{ event: string; data: unknown }> {
  const response = await open(endpoint, { ...request, method: "GET" });
  const status = response.statusCode ?? 0;
  if (status < 200 || status >= 300) throw errorOf(status, await readBody(response));
  response.setEncoding("utf8");
  const ready: Array<{ event: string; data: unknown }> = [];
  const parser = createParser({
    onEvent: (message) => {
      if (message.data !== "") ready.push({ event: message.event ?? "message", data: JSON.parse(message.data) });
    },
  });
  try {
    for await (const chunk of response) {
      parser.feed(chunk as string);
      while (ready.length > 0) yield ready.shift() as { event: string; data: unknown };
    }
  } finally {
    response.destroy();
  }
}
