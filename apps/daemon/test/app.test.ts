import path from "node:path";
import { loadConfig, type ProducerConfig } from "@producer/config";
import { ProducerService } from "@producer/core";
import { createTeardown } from "@producer/test-utils";
import { LocalStorage } from "@producer/utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/index.js";

let dir: string;
let config: ProducerConfig;
let service: ProducerService;
let app: ReturnType<typeof createApp>;
const teardown = createTeardown();

beforeAll(async () => {
  dir = teardown.tempDir("producer-app-");
  config = loadConfig({
    env: {},
    configFile: false,
    overrides: { paths: { dataDir: dir }, daemon: { bodyLimitBytes: 16 * 1024 } },
  }).config;
  // No generator: this daemon only queues, so every job stays where the routes put it.
  service = await ProducerService.create({ config });
  teardown.add(() => service.close({ graceMs: 0 }));
  app = createApp({ config, service, storage: new LocalStorage({ dir: path.join(dir, "storage") }) });
});
afterAll(() => teardown.run());

const post = (body: unknown, headers: Record<string, string> = { "content-type": "application/json" }) =>
  app.request("/v1/generations", {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("the daemon's routes", () => {
  it("queues a generation: 202, a Location, and the job behind it", async () => {
    const response = await post({
      prompt: "Create a happy pop song",
      title: "My New Song",
      projectId: "project_123",
      userId: "user_456",
    });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { jobId: string; status: string; position: number };
    expect(body).toMatchObject({ status: "queued", position: expect.any(Number) });
    expect(response.headers.get("location")).toBe(`/v1/generations/${body.jobId}`);
    expect(response.headers.get("x-request-id")).toBeTruthy();
    const job = await (await app.request(`/v1/generations/${body.jobId}`)).json();
    expect(job).toMatchObject({
      id: body.jobId,
      status: "queued",
      input: { prompt: "Create a happy pop song", projectId: "project_123" },
    });
    const list = (await (await app.request("/v1/generations?status=queued&limit=5")).json()) as { jobs: unknown[] };
    expect(list.jobs.length).toBeGreaterThan(0);
    const cancelled = await app.request(`/v1/generations/${body.jobId}`, { method: "DELETE" });
    expect(await cancelled.json()).toMatchObject({ status: "cancelled" });
  });

  it("retries only an ended job: 409 for a queued one, resubmit needed for one cancelled before submission, 404 for none", async () => {
    const { jobId } = (await (await post({ prompt: "retry me" })).json()) as { jobId: string };
    const retry = (id: string, body?: unknown) =>
      app.request(`/v1/jobs/${id}/retry`, {
        method: "POST",
        ...(body ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {}),
      });
    const queued = await retry(jobId);
    expect(queued.status).toBe(409);
    expect(await queued.json()).toMatchObject({ error: { code: "CONFLICT" } });
    await app.request(`/v1/generations/${jobId}`, { method: "DELETE" });
    const cancelled = (await (await app.request(`/v1/generations/${jobId}`)).json()) as {
      status: string;
      recoverable: boolean;
    };
    expect(cancelled).toMatchObject({ status: "cancelled", recoverable: false });
    const needsConsent = await retry(jobId);
    expect(needsConsent.status).toBe(409);
    expect(await needsConsent.json()).toMatchObject({ error: { code: "CONFLICT", details: { resubmitNeeded: true } } });
    const again = await retry(jobId, { resubmit: true });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ id: jobId, status: "queued", attempts: 0, error: null });
    expect((await retry(jobId, { resubmit: "yes" })).status).toBe(400);
    expect((await retry("00000000-0000-4000-8000-000000000000")).status).toBe(404);
    await app.request(`/v1/generations/${jobId}`, { method: "DELETE" });
  });

  it("answers 202 with the job when a wait runs out", async () => {
    const response = await post({ prompt: "waiting", wait: 300 });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: "queued", completed: false });
  });

  it("answers 409 for an idempotency key reused with other input, and the same job for the same input", async () => {
    const first = (await (await post({ prompt: "a", idempotencyKey: "k-1" })).json()) as { jobId: string };
    const again = (await (await post({ prompt: "a", idempotencyKey: "k-1" })).json()) as {
      jobId: string;
      reused: boolean;
    };
    expect(again).toMatchObject({ jobId: first.jobId, reused: true });
    const conflict = await post({ prompt: "b", idempotencyKey: "k-1" });
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ error: { code: "CONFLICT" } });
  });

  it("answers 404 with NOT_FOUND for unknown jobs, tracks and routes", async () => {
    for (const url of [
      "/v1/generations/6f1c2b1e-0000-4000-8000-000000000000",
      "/v1/tracks/6f1c2b1e-0000-4000-8000-000000000000",
      "/v2/nothing",
    ]) {
      const response = await app.request(url);
      expect(response.status, url).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    }
  });

  it("serves tracks, health, readiness, metrics, the session and OpenAPI", async () => {
    expect(await (await app.request("/v1/tracks?projectId=project_123")).json()).toEqual({
      tracks: [],
      nextCursor: null,
    });
    expect(await (await app.request("/healthz")).json()).toEqual({ ok: true });
    const ready = await app.request("/readyz");
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      ready: false,
      checks: { browser: { ok: false }, database: { ok: true }, storage: { ok: true } },
    });
    const metrics = await (await app.request("/metrics")).text();
    expect(metrics).toMatch(/^producer_jobs\{status="queued"\} \d+$/m);
    expect(metrics).toMatch(/^producer_queue_depth \d+$/m);
    expect(metrics).toMatch(/^producer_http_responses_total\{code="202"\} \d+$/m);
    expect(await (await app.request("/v1/session")).json()).toMatchObject({ valid: false, paused: null });
    expect(await (await app.request("/v1/queue")).json()).toMatchObject({
      paused: null,
      activeJobs: 0,
      queueDepth: expect.any(Number),
    });
    const openapi = (await (await app.request("/openapi.json")).json()) as {
      paths: Record<string, unknown>;
      components: { schemas: { CreateGeneration: { properties: Record<string, unknown>; required: string[] } } };
    };
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(["/v1/generations", "/v1/generations/{id}/events", "/metrics"]),
    );
    expect(Object.keys(openapi.components.schemas.CreateGeneration.properties)).toEqual(
      expect.arrayContaining(["prompt", "title", "projectId", "userId", "useQueue", "wait", "webhookUrl"]),
    );
    expect(openapi.components.schemas.CreateGeneration.required).toEqual(["prompt"]);
  });
});

describe("bad requests get a 4xx with a code, never a 5xx, and the daemon stays up", () => {
  const huge = "x".repeat(20 * 1024);
  // biome-ignore format: a case a line, read as a table
  const cases: Array<[string, () => Response | Promise<Response>, number, string, string?]> = [
    ["invalid JSON", () => post("{ prompt: "), 400, "INVALID_INPUT"],
    ["truncated JSON", () => post('{"prompt": "a"'), 400, "INVALID_INPUT"],
    ["an empty body", () => post(""), 400, "INVALID_INPUT"],
    ["JSON null", () => post("null"), 400, "INVALID_INPUT"],
    ["a JSON array", () => post([{ prompt: "a" }]), 400, "INVALID_INPUT"],
    ["a JSON string", () => post('"make a song"'), 400, "INVALID_INPUT"],
    ["a JSON number", () => post("42"), 400, "INVALID_INPUT"],
    ["no content type", () => post({ prompt: "a" }, {}), 400, "INVALID_INPUT"],
    ["a form body", () => post("prompt=a", { "content-type": "application/x-www-form-urlencoded" }), 400, "INVALID_INPUT"],
    ["no prompt", () => post({}), 400, "INVALID_INPUT", "prompt"],
    ["an empty prompt", () => post({ prompt: "" }), 400, "INVALID_INPUT", "prompt"],
    ["a blank prompt", () => post({ prompt: " \n\t " }), 400, "INVALID_INPUT", "prompt"],
    ["a numeric prompt", () => post({ prompt: 12 }), 400, "INVALID_INPUT", "prompt"],
    ["an object prompt", () => post({ prompt: { text: "a" } }), 400, "INVALID_INPUT", "prompt"],
    ["a huge prompt", () => post({ prompt: "y".repeat(3001) }), 400, "INVALID_INPUT", "prompt"],
    ["a NUL in the prompt", () => post({ prompt: "a\u0000b" }), 400, "INVALID_INPUT", "prompt"],
    ["an escape sequence in the prompt", () => post({ prompt: "\u001b[31mred" }), 400, "INVALID_INPUT", "prompt"],
    ["a numeric title", () => post({ prompt: "a", title: 5 }), 400, "INVALID_INPUT", "title"],
    ["a too-long title", () => post({ prompt: "a", title: "t".repeat(201) }), 400, "INVALID_INPUT", "title"],
    ["traversal in projectId", () => post({ prompt: "a", projectId: "../../etc" }), 400, "INVALID_INPUT", "projectId"],
    ["a slash in userId", () => post({ prompt: "a", userId: "a/b" }), 400, "INVALID_INPUT", "userId"],
    ["a null byte in userId", () => post({ prompt: "a", userId: "u\u0000" }), 400, "INVALID_INPUT", "userId"],
    ["a bidi override in projectId", () => post({ prompt: "a", projectId: "p\u202etxt" }), 400, "INVALID_INPUT", "projectId"],
    ["an unknown format", () => post({ prompt: "a", format: "flac" }), 400, "INVALID_INPUT", "format"],
    ["a numeric format", () => post({ prompt: "a", format: 3 }), 400, "INVALID_INPUT", "format"],
    ["a string useQueue", () => post({ prompt: "a", useQueue: "false" }), 400, "INVALID_INPUT", "useQueue"],
    ["a string instrumental", () => post({ prompt: "a", instrumental: "yes" }), 400, "INVALID_INPUT", "instrumental"],
    ["a fractional priority", () => post({ prompt: "a", priority: 1.5 }), 400, "INVALID_INPUT", "priority"],
    ["a priority of 1e9", () => post({ prompt: "a", priority: 1e9 }), 400, "INVALID_INPUT", "priority"],
    ["a negative wait", () => post({ prompt: "a", wait: -1 }), 400, "INVALID_INPUT", "wait"],
    ["a string wait", () => post({ prompt: "a", wait: "forever" }), 400, "INVALID_INPUT", "wait"],
    ["a file: webhook", () => post({ prompt: "a", webhookUrl: "file:///etc/passwd" }), 400, "INVALID_INPUT", "webhookUrl"],
    ["a javascript: webhook", () => post({ prompt: "a", webhookUrl: "javascript:alert(1)" }), 400, "INVALID_INPUT", "webhookUrl"],
    ["an unknown field", () => post({ prompt: "a", promt: "typo" }), 400, "INVALID_INPUT", "promt"],
    ["a __proto__ field", () => post('{"prompt":"a","__proto__":{"admin":true}}'), 400, "INVALID_INPUT", "__proto__"],
    ["a body over the limit", () => post({ prompt: huge }), 413, "INVALID_INPUT"],
    ["a bad job id", () => app.request("/v1/generations/not-a-uuid"), 400, "INVALID_INPUT"],
    ["a traversal job id", () => app.request("/v1/generations/..%2F..%2Fetc%2Fpasswd"), 400, "INVALID_INPUT"],
    ["a bad status filter", () => app.request("/v1/generations?status=exploded"), 400, "INVALID_INPUT", "status"],
    ["a limit of zero", () => app.request("/v1/tracks?limit=0"), 400, "INVALID_INPUT", "limit"],
    ["a limit that is not a number", () => app.request("/v1/tracks?limit=ten"), 400, "INVALID_INPUT", "limit"],
    ["an unknown track filter", () => app.request("/v1/tracks?owner=me"), 400, "INVALID_INPUT", "owner"],
    ["a forged cursor", () => app.request("/v1/tracks?cursor=bm9wZQ"), 400, "INVALID_INPUT"],
    ["a forged jobs cursor", () => app.request("/v1/generations?cursor=bm9wZQ"), 400, "INVALID_INPUT"],
  ];
  for (const [what, send, status, code, field] of cases) {
    it(`${what} → ${status} ${code}`, async () => {
      const response = await send();
      expect(response.status).toBe(status);
      const body = (await response.json()) as {
        error: { code: string; details?: { fields?: Array<{ path: string }> } };
        requestId: string;
      };
      expect(body.error.code).toBe(code);
      expect(body.requestId).toBeTruthy();
      if (field) expect(body.error.details?.fields?.map((entry) => entry.path)).toContain(field);
    });
  }

  it("is still healthy after all of them", async () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect((await app.request("/healthz")).status).toBe(200);
  });
});

describe("a full queue", () => {
  it("answers 429 with Retry-After and QUEUE_FULL", async () => {
    const small = await ProducerService.create({
      config: loadConfig({
        env: {},
        configFile: false,
        overrides: { paths: { dataDir: path.join(dir, "small") }, queue: { maxQueued: 1 } },
      }).config,
    });
    try {
      const limited = createApp({ config, service: small });
      const send = () =>
        limited.request("/v1/generations", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ prompt: "x" }),
        });
      expect((await send()).status).toBe(202);
      const full = await send();
      expect(full.status).toBe(429);
      expect(Number(full.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(await full.json()).toMatchObject({
        error: { code: "QUEUE_FULL", retryable: true, details: { retryAfterMs: expect.any(Number) } },
      });
    } finally {
      await small.close({ graceMs: 0 });
    }
  });
});

describe("with a token", () => {
  it("refuses requests without the right bearer token", async () => {
    const guarded = createApp({
      config: { ...config, daemon: { ...config.daemon, token: "a-token-of-enough-length" } },
      service,
    });
    const missing = await guarded.request("/healthz");
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe('Bearer realm="producer"');
    expect(await missing.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    expect(
      (await guarded.request("/healthz", { headers: { authorization: "Bearer wrong-token-of-some-length" } })).status,
    ).toBe(401);
    expect((await guarded.request("/healthz", { headers: { authorization: "a-token-of-enough-length" } })).status).toBe(
      401,
    );
    expect(
      (await guarded.request("/healthz", { headers: { authorization: "Bearer a-token-of-enough-length" } })).status,
    ).toBe(200);
  });
});
