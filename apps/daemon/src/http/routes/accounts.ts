import { Hono } from "hono";
import { InvalidInputError, NotFoundError } from "@producer/utils";
import type { AppDeps, AppEnv } from "../app-deps.js";

/** The ProducerAI accounts (listed; paused, resumed and freed from walls) and the session they sign in with. */
export function accountRoutes(deps: Pick<AppDeps, "service" | "accounts">): Hono<AppEnv> {
  const { service } = deps;
  const routes = new Hono<AppEnv>();
  const accounts = () => {
    if (!deps.accounts) throw new NotFoundError("This daemon has no browser, so no accounts.");
    return deps.accounts;
  };

  routes.get("/v1/accounts", async (c) => c.json({ accounts: await accounts().list() }));
  for (const action of ["pause", "resume", "unwall"] as const) {
    routes.post(`/v1/accounts/:name/${action}`, (c) => c.json({ account: accounts()[action](c.req.param("name")) }));
  }

  // A GET never drives the browser: a fresh check of the site is a POST.
  routes.get("/v1/session", async (c) => {
    if (c.req.query("force") !== undefined) {
      throw new InvalidInputError("A fresh session check opens the site: POST /v1/session/check.", [
        { path: "force", message: "use POST /v1/session/check" },
      ]);
    }
    return c.json(await service.session());
  });
  routes.post("/v1/session/check", async (c) => c.json(await service.session({ force: true })));
  return routes;
}
