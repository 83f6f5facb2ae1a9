import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { loadConfig, type ProducerConfig } from "@producer/config";
import { ProducerService } from "@producer/core";
import { createTeardown } from "@producer/test-utils";
import { LocalStorage } from "@producer/utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, registeredRoutes, undocumentedRoutes } from "../src/index.js";

// Every route the daemon registers — with the status page, MCP, the sign-in form and the earlier service's routes
// all switched on — is in the OpenAPI document it serves, and that document is valid OpenAPI 3.1.

const TOKEN = "openapi-token-0123456789abcdef";
let config: ProducerConfig;
let service: ProducerService;
const teardown = createTeardown();

const appWithEverything = () =>
  createApp({
    config,
    service,
    storage: new LocalStorage({ dir: path.join(config.paths.dataDir, "storage") }),
  });

async function servedDocument(app: ReturnType<typeof createApp>): Promise<Record<string, unknown>> {
  const response = await app.request("/openapi.json", { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  const dir = teardown.tempDir("producer-openapi-");
  config = loadConfig({
    env: {},
    configFile: false,
    overrides: {
      paths: { dataDir: dir },
      daemon: { token: TOKEN, legacyRoutes: true, statusPage: true, mcp: true },
    },
  }).config;
  service = await ProducerService.create({ config });
  teardown.add(() => service.close({ graceMs: 0 }));
});
afterAll(() => teardown.run());

describe("the OpenAPI document", () => {
  it("documents every route the app registers (method and path)", async () => {
    const app = appWithEverything();
    const routes = registeredRoutes(app);
    // The enumeration sees the routes of every part, the sign-in form and the earlier service's routes included.
    expect(routes).toEqual(
      expect.arrayContaining([
        "POST /v1/generations",
        "GET /v1/generations/{id}",
        "POST /v1/generations/{id}/retry",
        "GET /v1/accounts",
        "POST /v1/accounts/{name}/pause",
        "POST /v1/sign-in-links",
        "GET /v1/artifacts/{folder}/{file}",
        "POST /login",
        "ALL /mcp",
        "GET /docs",
        `GET ${config.daemon.legacyPrefix}/files/{filename}`,
      ]),
    );
    expect(routes.some((route) => route.includes(":"))).toBe(false);
    expect(undocumentedRoutes(app, await servedDocument(app))).toEqual([]);
  });

  it("catches a route added without documentation", async () => {
    const app = appWithEverything();
    app.get("/v1/undocumented", (c) => c.json({}));
    app.post("/v1/things/:thingId/poke", (c) => c.json({}));
    // A method the path does not document is caught too.
    app.put("/v1/generations/:id", (c) => c.json({}));
    // Middleware is no route.
    app.use("/v1/*", async (_c, next) => next());
    expect(undocumentedRoutes(app, await servedDocument(app))).toEqual([
      "GET /v1/undocumented",
      "POST /v1/things/{thingId}/poke",
      "PUT /v1/generations/{id}",
    ]);
  });

  it("leaves out the earlier service's routes when they are not served", async () => {
    const app = createApp({ config: { ...config, daemon: { ...config.daemon, legacyRoutes: false } }, service });
    const document = (await servedDocument(app)) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths).some((route) => route.startsWith(config.daemon.legacyPrefix))).toBe(false);
    expect(undocumentedRoutes(app, document)).toEqual([]);
  });

  it("is valid OpenAPI 3.1, its schemas in JSON Schema 2020-12 made from the routes' zod schemas", async () => {
    const document = (await servedDocument(appWithEverything())) as {
      openapi: string;
      components: { schemas: Record<string, { properties?: Record<string, unknown>; $schema?: string }> };
    };
    expect(document.openapi).toBe("3.1.0");
    const validator = new Validator();
    const result = await validator.validate(document as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
    expect(Object.keys(document.components.schemas.Retry?.properties ?? {})).toEqual(["resubmit"]);
    // A nullable field is written the 2020-12 way, never with OpenAPI 3.0's `nullable`.
    expect(JSON.stringify(document)).not.toContain('"nullable"');
  });

  it("documents every multipart field an upload takes (the route coverage checks only methods and paths)", async () => {
    const document = (await servedDocument(appWithEverything())) as {
      paths: Record<
        string,
        { post?: { requestBody?: { content?: Record<string, { schema?: { properties?: object } }> } } }
      >;
    };
    const form = document.paths["/v1/uploads"]?.post?.requestBody?.content?.["multipart/form-data"];
    expect(Object.keys(form?.schema?.properties ?? {}).sort()).toEqual(
      ["account", "file", "filename", "keepVocals", "removeVocals"].sort(),
    );
  });

  it("is caught by the validator when it is not valid", async () => {
    const document = await servedDocument(appWithEverything());
    const broken = { ...document, paths: { "/v1/broken": { get: { responses: { "200": {} } } } } };
    expect((await new Validator().validate(broken as never)).valid).toBe(false);
  });
});
