import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { silentLogger } from "@producer/utils";
import type { AppDeps, AppEnv } from "./app-deps.js";
import { addSignIn, requireToken, SignInCodes } from "./auth.js";
import { errorResponse } from "./error-boundary.js";
import { hostGuard } from "./host-guard.js";
import { pathRedactor, redactLocalPaths } from "./local-paths.js";
import { openAIRoutes } from "./openai/routes.js";
import { requestLog } from "./request-log.js";
import { accountRoutes } from "./routes/accounts.js";
import { apiReferenceRoutes } from "./routes/api-reference.js";
import { artifactRoutes } from "./routes/artifacts.js";
import { describeRoutes } from "./routes/describe.js";
import { healthRoutes } from "./routes/health.js";
import { jobRoutes } from "./routes/jobs.js";
import { operationRoutes } from "./routes/operations.js";
import { lyricsRoutes } from "./routes/lyrics.js";
import { taskRoutes } from "./routes/tasks.js";
import { UPLOADS_PATH, uploadRoutes } from "./routes/uploads.js";
import { legacyRoutes } from "./routes/legacy.js";
import { mcpRoutes } from "./routes/mcp.js";
import { signInLinkRoutes } from "./routes/sign-in-links.js";
import { statusPageRoutes } from "./routes/status-page.js";
import { trackImageRoutes } from "./routes/track-images.js";
import { trackRoutes } from "./routes/tracks.js";

export type { AccountsControl, AppDeps, AppEnv } from "./app-deps.js";

/**
 * The daemon's HTTP API, separate from any transport: bind it to a Unix socket or TCP in `listen.ts`, or call
 * `app.request()` in tests. Every error goes through one boundary that maps its code to a status.
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { config } = deps;
  const logger = deps.logger ?? silentLogger;
  const responses = new Map<string, number>();
  const app = new Hono<AppEnv>();

  app.onError((error, c) => errorResponse(error, c, c.get("logger") ?? logger));
  app.notFound((c) =>
    c.json(
      {
        error: { code: "NOT_FOUND", message: `No route ${c.req.method} ${c.req.path}.`, retryable: false },
        requestId: c.get("requestId"),
      },
      404,
    ),
  );

  app.use(requestId({ headerName: "x-request-id" }));
  app.use(requestLog(logger, responses));
  app.use(hostGuard({ host: config.daemon.host, extra: config.daemon.allowedHosts }));
  const tcpToken = deps.tcpToken ?? config.daemon.token;
  const signInCodes = new SignInCodes();
  if (tcpToken) {
    app.use(requireToken({ tcp: tcpToken, socket: config.daemon.token }));
    addSignIn(app, { token: tcpToken, attemptsPerMinute: config.daemon.signInAttemptsPerMinute, codes: signInCodes });
  }
  const generalLimit = bodyLimit({ maxSize: config.daemon.bodyLimitBytes });
  // An upload has a limit of its own (its route's); every other body the configured one.
  app.use((c, next) => (c.req.path === UPLOADS_PATH ? next() : generalLimit(c, next)));
  const redact = pathRedactor(config.paths);
  app.use(redactLocalPaths(redact));

  if (config.daemon.statusPage) {
    app.route("/", statusPageRoutes(config.site));
    app.route("/", artifactRoutes(config.paths.artifactsDir, deps.artifactHoldsSecret));
  }
  if (config.daemon.mcp) app.route("/", mcpRoutes(deps));
  app.route("/", healthRoutes(deps, responses));
  app.route("/", apiReferenceRoutes(deps));
  app.route("/", jobRoutes(deps, redact));
  app.route("/", operationRoutes(deps));
  app.route("/", taskRoutes(deps));
  app.route("/", lyricsRoutes(deps));
  app.route("/", describeRoutes(deps));
  app.route("/", uploadRoutes(deps));
  app.route("/", trackRoutes(deps));
  app.route("/", trackImageRoutes(deps));
  app.route("/", accountRoutes(deps));
  app.route("/", openAIRoutes(deps, redact));
  app.route(
    "/",
    signInLinkRoutes({ host: config.daemon.host, token: tcpToken, port: () => deps.tcpPort?.(), codes: signInCodes }),
  );
  if (config.daemon.legacyRoutes) app.route(config.daemon.legacyPrefix, legacyRoutes(config, deps.service));
  return app;
}
