import { timingSafeEqual } from "node:crypto";
import { Hono, type Context } from "hono";
import { FAULTS, type Fault } from "./faults.js";
import { LIVE_SETTINGS, type SimulatorSettings } from "./settings.js";
import type { RunningSimulator } from "./simulator.js";
import type { SimulatorState } from "./state.js";
import { SITE_VARIANTS } from "./variants.js";

/** What the admin API does through the running simulator's own methods. */
export type SimulatorControls = Pick<
  RunningSimulator,
  | "issueSession"
  | "revokeRefreshTokens"
  | "liveRefreshTokens"
  | "seedLibrary"
  | "flowClips"
  | "expireSessions"
  | "setCredits"
  | "credits"
  | "resetStats"
>;

const readBody = async <T>(c: Context): Promise<T> => (await c.req.json().catch(() => ({}))) as T;
const emailIn = (body: { email?: unknown }) => (typeof body.email === "string" ? body.email : undefined);

/**
 * The admin API, on a listener of its own that the page cannot reach; every request needs
 * `Authorization: Bearer <adminToken>`: faults, counters, sessions, credits, a library to seed, and the settings.
 */
export function createAdminApi(state: SimulatorState, adminToken: string, controls: SimulatorControls): Hono {
  const { faults, settings } = state;
  const admin = new Hono();
  admin.use(async (c, next) => {
    const given = Buffer.from(c.req.header("authorization") ?? "");
    const expected = Buffer.from(`Bearer ${adminToken}`);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return c.json({ error: "admin token required" }, 401);
    }
    await next();
  });
  admin.get("/faults", (c) => c.json({ faults: faults.list(), known: FAULTS }));
  admin.put("/faults/:fault", async (c) => {
    const fault = c.req.param("fault") as Fault;
    if (!FAULTS.includes(fault)) return c.json({ error: `unknown fault; known: ${FAULTS.join(", ")}` }, 400);
    const body = await readBody<{ times?: unknown; paths?: unknown; skip?: unknown }>(c);
    faults.set(fault, {
      ...(typeof body.times === "number" ? { times: body.times } : {}),
      ...(typeof body.skip === "number" ? { skip: body.skip } : {}),
      ...(Array.isArray(body.paths) ? { paths: body.paths.map(String) } : {}),
    });
    return c.json({ faults: faults.list() });
  });
  admin.delete("/faults/:fault", (c) => {
    faults.clear(c.req.param("fault") as Fault);
    return c.json({ faults: faults.list() });
  });
  admin.delete("/faults", (c) => {
    faults.clear();
    return c.json({ faults: faults.list() });
  });
  admin.get("/stats", (c) => c.json(state.stats));
  admin.post("/stats/reset", (c) => {
    controls.resetStats();
    return c.json(state.stats);
  });
  admin.post("/sessions", async (c) => {
    const body = await readBody<{ email?: unknown; ttlSecs?: unknown; refreshTokenDead?: unknown }>(c);
    return c.json(
      controls.issueSession(emailIn(body), {
        ...(typeof body.ttlSecs === "number" ? { ttlSecs: body.ttlSecs } : {}),
        ...(body.refreshTokenDead === true ? { refreshTokenDead: true } : {}),
      }),
    );
  });
  admin.post("/sessions/revoke-refresh-tokens", async (c) => {
    controls.revokeRefreshTokens(emailIn(await readBody<{ email?: unknown }>(c)));
    return c.json({ ok: true });
  });
  admin.get("/sessions/refresh-tokens", (c) =>
    c.json({ refreshTokens: controls.liveRefreshTokens(c.req.query("email")) }),
  );
  admin.post("/library/seed", async (c) => {
    const body = await readBody<{ email?: unknown; count?: unknown }>(c);
    if (typeof body.count !== "number" || !Number.isInteger(body.count) || body.count < 0)
      return c.json({ error: "count must be an integer >= 0" }, 400);
    controls.seedLibrary(emailIn(body), body.count);
    return c.json({ ok: true, clips: controls.flowClips().length });
  });
  admin.post("/sessions/expire", async (c) => {
    controls.expireSessions(emailIn(await readBody<{ email?: unknown }>(c)));
    return c.json({ ok: true });
  });
  admin.get("/settings", (c) => c.json(settings));
  admin.get("/credits/:email", (c) =>
    c.json({ email: c.req.param("email"), credits: controls.credits(c.req.param("email")) }),
  );
  admin.put("/credits/:email", async (c) => {
    const body = await readBody<{ credits?: unknown }>(c);
    if (typeof body.credits !== "number" || body.credits < 0)
      return c.json({ error: "credits must be a number >= 0" }, 400);
    controls.setCredits(body.credits, c.req.param("email"));
    return c.json({ email: c.req.param("email"), credits: controls.credits(c.req.param("email")) });
  });
  admin.patch("/settings", async (c) => {
    const body = await readBody<Partial<SimulatorSettings>>(c);
    if (body.variant !== undefined && !SITE_VARIANTS.includes(body.variant))
      return c.json({ error: "unknown variant" }, 400);
    for (const key of LIVE_SETTINGS) {
      if (body[key] !== undefined) (settings as Record<string, unknown>)[key] = body[key];
    }
    return c.json(settings);
  });
  return admin;
}
