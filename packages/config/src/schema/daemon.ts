import { z } from "zod";
import { setting } from "../setting.js";
import { milliseconds, secretText } from "./setting-shapes.js";

export const daemonSchema = z.strictObject({
  socketPath: setting(z.string().min(1).max(107).optional(), {
    doc: "Unix socket the daemon listens on and the client connects to.",
    defaultLabel: "<dataDir>/producer.sock",
  }),
  host: setting(z.string().min(1).default("127.0.0.1"), {
    doc: "TCP host; anything but loopback needs a configured token.",
  }),
  port: setting(z.number().int().min(0).max(65_535).optional(), { doc: "TCP port; no TCP listener when unset." }),
  token: secretText(
    16,
    "Bearer token every request must carry (at least 16 characters). When the daemon listens on TCP without one, it makes one at first start and keeps it in `<dataDir>/daemon-token` (mode 0600), where the CLI and the client find it.",
  ),
  allowedHosts: setting(z.array(z.string().min(1).max(253)).default([]), {
    doc: "Other names the daemon answers to over TCP (`host` or `host:port`, e.g. behind a reverse proxy), besides `127.0.0.1`, `localhost` and `[::1]` on its port. A request whose Host or Origin names anything else is refused (DNS rebinding).",
  }),
  maxEventStreams: setting(z.number().int().min(1).max(100_000).default(4000), {
    doc: "Event streams (`/v1/generations/<id>/events`) open at once; past it a new one gets 429.",
  }),
  maxEventStreamsPerClient: setting(z.number().int().min(1).max(100_000).default(1000), {
    doc: "Event streams one client (one remote address, or the socket's owner) may hold open at once; past it 429.",
  }),
  signInAttemptsPerMinute: setting(z.number().int().min(1).max(10_000).default(10), {
    doc: "Status page sign-in attempts a client may make in a minute; past it 429.",
  }),
  bodyLimitBytes: setting(
    z
      .number()
      .int()
      .min(1024)
      .default(256 * 1024),
    { doc: "Largest accepted request body." },
  ),
  shutdownGraceMs: milliseconds(30_000, "On SIGTERM, how long running jobs may take to finish."),
  statusPage: setting(z.boolean().default(true), {
    doc: "Serve the status page at `/` (queue, jobs, songs with players, accounts), behind the same token.",
  }),
  mcp: setting(z.boolean().default(true), {
    doc: "Serve the MCP server (Streamable HTTP) at `/mcp`, behind the same token.",
  }),
  mcpMaxWaitSecs: setting(z.number().int().min(1).max(3600).default(600), {
    doc: "The longest an MCP tool (`wait_for_generation`, `generate_music` with `waitSecs`) may wait for a job.",
  }),
  legacyRoutes: setting(z.boolean().default(false), {
    doc: "Also serve the earlier service's HTTP routes (`<legacyPrefix>/generate`, `/files`, `/music-clip/*`), behind the same token.",
  }),
  legacyPrefix: setting(
    z
      .string()
      .regex(/^(\/[A-Za-z0-9._~-]+)+$/, { message: "a path such as /api/ai/producer (no trailing slash)" })
      .default("/api/ai/producer"),
    { doc: "Where the earlier routes live; the music-clip routes are under `<legacyPrefix>/music-clip`." },
  ),
  legacyUserHeader: setting(
    z
      .string()
      .regex(/^[A-Za-z0-9-]+$/, { message: "an HTTP header name" })
      .transform((name) => name.toLowerCase())
      .default("x-user-id"),
    { doc: "The header carrying the requesting user's id on the earlier routes (else the body's `user_id`)." },
  ),
});
