/** The producer daemon as a library: its HTTP app, listeners and lifecycle (the CLI is `producer`). */
export { createApp } from "./http/app.js";
export type { AppDeps } from "./http/app.js";
export { statusForCode } from "./http/error-boundary.js";
export { openApiDocument } from "./http/openapi.js";
export { registeredRoutes, undocumentedRoutes } from "./http/route-coverage.js";
export { closeServer, isLoopback, listenOnSocket, listenOnTcp } from "./listen.js";
export { startDaemon } from "./daemon.js";
export type { RunningDaemon } from "./daemon.js";
export { createDaemonLogger } from "./logger.js";
