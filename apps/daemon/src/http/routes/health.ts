import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../app-deps.js";
import { renderMetrics } from "../metrics.js";

type HealthDeps = Pick<AppDeps, "service" | "checkSession" | "browserStats" | "accounts" | "storage" | "version">;

interface Check {
  ok: boolean;
  reason: string;
  /** Why it is not ok, as an error code (the session's: `SESSION_EXPIRED`, `SESSION_REVOKED`, …). */
  code?: string;
  expiresAt?: string;
  expiresInSecs?: number | undefined;
}

/** What `/readyz` looks at: the browser, the session, the database and storage, each with its reason. */
async function readinessChecks(deps: HealthDeps): Promise<Record<string, Check>> {
  const { service } = deps;
  const checks: Record<string, Check> = {};
  const browser = deps.browserStats?.();
  checks.browser = browser
    ? { ok: browser.up, reason: browser.up ? "Chromium is running." : "Chromium is not running." }
    : { ok: false, reason: "This daemon has no browser." };
  if (deps.checkSession) {
    const session: {
      valid: boolean;
      reason: string;
      code?: string;
      expiresAt?: string;
      expiresInSecs?: number;
      warning?: string;
    } = await deps.checkSession().catch((error: Error) => ({ valid: false, reason: error.message }));
    checks.session = {
      ok: session.valid,
      reason: session.warning ?? session.reason,
      ...(!session.valid && session.code ? { code: session.code } : {}),
      ...(session.expiresAt ? { expiresAt: session.expiresAt, expiresInSecs: session.expiresInSecs } : {}),
    };
  }
  // A round trip, no table read: readiness is polled often and must not cost more as the jobs table grows.
  checks.database = await service
    .ping()
    .then(() => ({ ok: true, reason: `The ${service.dialect} database answers.` }))
    .catch((error: Error) => ({ ok: false, reason: error.message }));
  if (deps.storage) {
    checks.storage = await deps.storage
      .head(".producer-readiness-probe")
      .then(() => ({ ok: true, reason: `The ${deps.storage?.kind} storage answers.` }))
      .catch((error: Error) => ({ ok: false, reason: error.message }));
  }
  return checks;
}

/** `/healthz` (the process answers), `/readyz` (it can do its work) and `/metrics`. */
export function healthRoutes(deps: HealthDeps, responses: ReadonlyMap<string, number>): Hono<AppEnv> {
  const { service } = deps;
  const routes = new Hono<AppEnv>();

  routes.get("/healthz", (c) => c.json({ ok: true }));

  routes.get("/readyz", async (c) => {
    const checks = await readinessChecks(deps);
    const ready = Object.values(checks).every((check) => check.ok);
    const accounts = deps.accounts ? await deps.accounts.list().catch(() => undefined) : undefined;
    return c.json({ ready, checks, ...(accounts ? { accounts } : {}) }, ready ? 200 : 503);
  });

  routes.get("/metrics", async (c) =>
    c.text(
      await renderMetrics(
        service,
        deps.browserStats?.(),
        responses,
        (await deps.accounts?.list().catch(() => [])) ?? [],
      ),
      200,
      {
        "content-type": "text/plain; version=0.0.4; charset=utf-8",
      },
    ),
  );

  return routes;
}
