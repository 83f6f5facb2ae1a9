import { Readable } from "node:stream";
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { streamSSE } from "hono/streaming";
import type { z } from "zod";
import type { ProducerConfig } from "@producer/config";
import { issuesToFields, trackIdSchema, type ProducerService } from "@producer/core";
import {
  InvalidInputError,
  NotFoundError,
  silentLogger,
  TimeoutError,
  type AccountReport,
  type Logger,
  type SessionStatus,
  type Storage,
} from "@producer/utils";
import { addSignIn, requireToken, SignInCodes } from "./auth.js";
import { parseByteRange } from "./byte-range.js";
import { errorResponse } from "./error-boundary.js";
import { hostGuard, tcpHostNames } from "./host-guard.js";
import { createLegacyRoutes } from "./legacy-routes.js";
import { pathRedactor, redactLocalPaths } from "./local-paths.js";
import { renderMetrics, type BrowserStats } from "./metrics.js";
import { openApiDocument } from "./openapi.js";
import { requestSource } from "./request-source.js";
import { addStatusPage } from "./status-page.js";
import { StreamLimits } from "./stream-limits.js";
import {
  createGenerationBodySchema,
  jobIdParamSchema,
  listGenerationsQuerySchema,
  listTracksQuerySchema,
  retryBodySchema,
  upNextQuerySchema,
} from "./schemas.js";

export interface AppDeps {
  config: ProducerConfig;
  service: ProducerService;
  /** Whether the ProducerAI session works (the browser session); absent for a daemon without a browser. */
  checkSession?: (options?: { force?: boolean }) => Promise<SessionStatus>;
  browserStats?: () => BrowserStats;
  /** The accounts the daemon generates with: listed, paused, resumed and freed from walls over HTTP. */
  accounts?: AccountsControl;
  storage?: Storage;
  logger?: Logger;
  version?: string;
  /** The token TCP requests must carry: the configured one, or the one made at first start (`daemon-token`). */
  tcpToken?: string;
  /** Whether a failure artifact still holds a secret of a signed-in session: such a file is never served. */
  artifactHoldsSecret?: (file: string) => Promise<boolean>;
  /** The TCP port the daemon listens on, once it does: for sign-in links. */
  tcpPort?: () => number | undefined;
}

export interface AccountsControl {
  list(): Promise<AccountReport[]>;
  pause(name: string): AccountReport;
  resume(name: string): AccountReport;
  unwall(name: string): AccountReport;
}

type Variables = { requestId: string; logger: Logger };

function parseWith<Schema extends z.ZodType>(schema: Schema, value: unknown, what: string): z.output<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const fields = issuesToFields(result.error.issues);
    throw new InvalidInputError(`Invalid ${what}: ${[...new Set(fields.map((field) => field.path || what))].join(", ")}.`, fields);
  }
  return result.data;
}

async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new InvalidInputError("Send the body as JSON (content-type: application/json).", [
      { path: "", message: "content-type must be application/json" },
    ]);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(await c.req.arrayBuffer());
  } catch {
    // Replacement characters would reach the site in a prompt; the sender's bytes are wrong, so it hears so.
    throw new InvalidInputError("The body is not valid UTF-8.", [{ path: "", message: "invalid UTF-8" }]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InvalidInputError("The body is not valid JSON.", [{ path: "", message: "invalid JSON" }]);
  }
}

/**
 * The daemon's HTTP API, separate from any transport: bind it to a Unix socket or TCP in `listen.ts`, or call
 * `app.request()` in tests. Every error goes through one boundary that maps its code to a status.
 */
export function createApp(deps: AppDeps): Hono<{ Variables: Variables }> {
  const { config, service } = deps;
  const logger = deps.logger ?? silentLogger;
  const responses = new Map<string, number>();
  const app = new Hono<{ Variables: Variables }>();

  app.onError((error, c) => errorResponse(error, c, c.get("logger") ?? logger));
  app.notFound((c) =>
    c.json({ error: { code: "NOT_FOUND", message: `No route ${c.req.method} ${c.req.path}.`, retryable: false }, requestId: c.get("requestId") }, 404),
  );

  app.use(requestId({ headerName: "x-request-id" }));
  app.use(async (c, next) => {
    const started = Date.now();
    c.set("logger", logger.child({ requestId: c.get("requestId") }));
    await next();
    const status = String(c.res.status);
    responses.set(status, (responses.get(status) ?? 0) + 1);
    c.get("logger").debug({ method: c.req.method, path: c.req.path, status: c.res.status, ms: Date.now() - started }, "request");
  });
  app.use(hostGuard({ host: config.daemon.host, extra: config.daemon.allowedHosts }));
  const tcpToken = deps.tcpToken ?? config.daemon.token;
  const signInCodes = new SignInCodes();
  if (tcpToken) {
    app.use(requireToken({ tcp: tcpToken, socket: config.daemon.token }));
    addSignIn(app, { token: tcpToken, attemptsPerMinute: config.daemon.signInAttemptsPerMinute, codes: signInCodes });
  }
  app.use(bodyLimit({ maxSize: config.daemon.bodyLimitBytes }));
  const redact = pathRedactor(config.paths);
  app.use(redactLocalPaths(redact));

  if (config.daemon.statusPage) addStatusPage(app, config.paths.artifactsDir, deps.artifactHoldsSecret ? { holdsSecret: deps.artifactHoldsSecret } : {});
  if (config.daemon.mcp) {
    // The MCP server loads on its first request, so a daemon nobody asks over MCP starts without it.
    app.all("/mcp", async (c) => {
      const [{ handleMcpRequest }, { createMcpServer }] = await Promise.all([import("../mcp/http-route.js"), import("../mcp/tools.js")]);
      const names = tcpHostNames(c, { host: config.daemon.host, extra: config.daemon.allowedHosts });
      return handleMcpRequest(c, names, (origin) =>
        createMcpServer({
          producer: service,
          accounts: async () => (await deps.accounts?.list()) ?? [],
          site: config.site,
          version: deps.version ?? "0.1.0",
          audioBase: origin,
          maxWaitSecs: config.daemon.mcpMaxWaitSecs,
        }),
      );
    });
  }

  app.get("/healthz", (c) => c.json({ ok: true }));

  app.get("/readyz", async (c) => {
    const checks: Record<string, { ok: boolean; reason: string; expiresAt?: string; expiresInSecs?: number | undefined }> = {};
    const browser = deps.browserStats?.();
    checks.browser = browser
      ? { ok: browser.up, reason: browser.up ? "Chromium is running." : "Chromium is not running." }
      : { ok: false, reason: "This daemon has no browser." };
    if (deps.checkSession) {
      const session: { valid: boolean; reason: string; expiresAt?: string; expiresInSecs?: number; warning?: string } = await deps
        .checkSession()
        .catch((error: Error) => ({ valid: false, reason: error.message }));
      checks.session = {
        ok: session.valid,
        reason: session.warning ?? session.reason,
        ...(session.expiresAt ? { expiresAt: session.expiresAt, expiresInSecs: session.expiresInSecs } : {}),
      };
    }
    checks.database = await service
      .status()
      .then(() => ({ ok: true, reason: `The ${service.dialect} database answers.` }))
      .catch((error: Error) => ({ ok: false, reason: error.message }));
    if (deps.storage) {
      checks.storage = await deps.storage
        .head(".producer-readiness-probe")
        .then(() => ({ ok: true, reason: `The ${deps.storage?.kind} storage answers.` }))
        .catch((error: Error) => ({ ok: false, reason: error.message }));
    }
    const ready = Object.values(checks).every((check) => check.ok);
    const accounts = deps.accounts ? await deps.accounts.list().catch(() => undefined) : undefined;
    return c.json({ ready, checks, ...(accounts ? { accounts } : {}) }, ready ? 200 : 503);
  });

  app.get("/metrics", async (c) =>
    c.text(await renderMetrics(service, deps.browserStats?.(), responses, (await deps.accounts?.list().catch(() => [])) ?? []), 200, {
      "content-type": "text/plain; version=0.0.4; charset=utf-8",
    }),
  );

  app.get("/openapi.json", (c) => c.json(openApiDocument(deps.version ?? "0.1.0")));

  app.post("/v1/generations", async (c) => {
    const body = parseWith(createGenerationBodySchema, await readJson(c), "request body");
    const { wait, ...input } = body;
    const result = await service.generateMusic(input);
    if ("job" in result) return c.json(result, result.completed ? 200 : 202);
    const waitMs = wait === true ? 600_000 : typeof wait === "number" ? wait : 0;
    c.header("location", `/v1/generations/${result.jobId}`);
    if (waitMs === 0) return c.json(result, 202);
    try {
      const job = await service.waitForJob(result.jobId, { timeoutMs: waitMs, signal: c.req.raw.signal });
      return c.json({ jobId: job.id, status: job.status, job, tracks: job.tracks, completed: true }, 200);
    } catch (error) {
      if (!TimeoutError.isInstance(error)) throw error;
      const job = await service.getJob(result.jobId);
      return c.json({ jobId: job.id, status: job.status, job, tracks: [], completed: false }, 202);
    }
  });

  app.get("/v1/generations", async (c) => {
    const query = parseWith(listGenerationsQuerySchema, c.req.query(), "query");
    return c.json(await service.listJobs(query));
  });

  app.get("/v1/generations/:id", async (c) => {
    return c.json(await service.getJob(parseWith(jobIdParamSchema, c.req.param("id"), "job id")));
  });

  app.delete("/v1/generations/:id", async (c) => {
    return c.json(await service.cancel(parseWith(jobIdParamSchema, c.req.param("id"), "job id")));
  });

  // A retry never pays twice: a job whose prompt reached the site resumes its submission.
  const retry = async (c: Context) => {
    const id = parseWith(jobIdParamSchema, c.req.param("id"), "job id");
    // The body is optional; when there is one it must be JSON.
    const hasBody = (await c.req.raw.clone().text()).length > 0;
    const body = parseWith(retryBodySchema, hasBody ? await readJson(c) : {}, "request body");
    return c.json(await service.retry(id, body));
  };
  app.post("/v1/jobs/:id/retry", retry);
  app.post("/v1/generations/:id/retry", retry);

  const streams = new StreamLimits({ total: config.daemon.maxEventStreams, perClient: config.daemon.maxEventStreamsPerClient });
  app.get("/v1/generations/:id/events", async (c) => {
    const id = parseWith(jobIdParamSchema, c.req.param("id"), "job id");
    await service.getJob(id); // a job that does not exist is a 404, not an empty stream
    const source = requestSource(c);
    const release = streams.take(source.client);
    return streamSSE(c, async (stream) => {
      const controller = new AbortController();
      controller.signal.addEventListener("abort", release, { once: true });
      stream.onAbort(() => controller.abort());
      const keepAlive = setInterval(() => void stream.write(": keep-alive\n\n").catch(() => controller.abort()), 15_000);
      try {
        for await (const job of service.watchJob(id, { signal: controller.signal })) {
          await stream.writeSSE({ event: "job", data: JSON.stringify(source.transport === "tcp" ? redact(job) : job), id: `${job.id}:${job.updatedAt}` });
        }
      } finally {
        clearInterval(keepAlive);
        release();
      }
    });
  });

  app.get("/v1/queue/jobs", async (c) => {
    const { limit } = parseWith(upNextQuerySchema, c.req.query(), "query");
    return c.json({ jobs: await service.upNext(limit === undefined ? {} : { limit }) });
  });

  app.get("/v1/tracks", async (c) => {
    const query = parseWith(listTracksQuerySchema, c.req.query(), "query");
    return c.json(await service.listTracks(query));
  });

  app.get("/v1/tracks/:id", async (c) => {
    return c.json(await service.getTrack(parseWith(trackIdSchema, c.req.param("id"), "track id")));
  });

  // A player seeks with byte ranges; a download gets the whole file.
  app.get("/v1/tracks/:id/audio", async (c) => {
    const id = parseWith(trackIdSchema, c.req.param("id"), "track id");
    const size = (await service.getTrack(id)).sizeBytes;
    const range = parseByteRange(c.req.header("range"), size);
    if (range === "unsatisfiable") return c.body(null, 416, { "content-range": `bytes */${size}` });
    const audio = await service.openTrackAudio(id, range ? { range } : {});
    const headers = {
      "content-type": audio.contentType,
      "accept-ranges": "bytes",
      "content-length": String(range ? range.end - range.start + 1 : size),
      "content-disposition": `inline; filename="${audio.track.storage.key.split("/").pop() ?? "audio"}"`,
      ...(range ? { "content-range": `bytes ${range.start}-${range.end}/${size}` } : {}),
    };
    return c.body(Readable.toWeb(audio.stream) as ReadableStream, range ? 206 : 200, headers);
  });

  app.get("/v1/queue", async (c) => c.json(await service.status()));

  app.get("/v1/accounts", async (c) => {
    if (!deps.accounts) throw new NotFoundError("This daemon has no browser, so no accounts.");
    return c.json({ accounts: await deps.accounts.list() });
  });
  for (const action of ["pause", "resume", "unwall"] as const) {
    app.post(`/v1/accounts/:name/${action}`, (c) => {
      if (!deps.accounts) throw new NotFoundError("This daemon has no browser, so no accounts.");
      return c.json({ account: deps.accounts[action](c.req.param("name")) });
    });
  }

  // A GET never drives the browser: a fresh check of the site is a POST.
  app.get("/v1/session", async (c) => {
    if (c.req.query("force") !== undefined) {
      throw new InvalidInputError("A fresh session check opens the site: POST /v1/session/check.", [{ path: "force", message: "use POST /v1/session/check" }]);
    }
    return c.json(await service.session());
  });
  app.post("/v1/session/check", async (c) => c.json(await service.session({ force: true })));

  // `producer open`: a one-time link that signs the status page in, for the socket's owner alone.
  app.post("/v1/sign-in-links", (c) => {
    if (requestSource(c).transport !== "socket") throw new NotFoundError(`No route ${c.req.method} ${c.req.path}.`);
    const port = deps.tcpPort?.();
    if (!tcpToken || port === undefined) throw new NotFoundError("The daemon does not listen on TCP (daemon.port), so the status page is on the socket only.");
    const { code, expiresAt } = signInCodes.mint();
    const host = ["0.0.0.0", "::", "localhost"].includes(config.daemon.host) ? "127.0.0.1" : config.daemon.host.includes(":") ? `[${config.daemon.host}]` : config.daemon.host;
    return c.json({ url: `http://${host}:${port}/login?code=${code}`, expiresAt });
  });

  if (config.daemon.legacyRoutes) app.route(config.daemon.legacyPrefix, createLegacyRoutes(config, service));

  return app;
}
