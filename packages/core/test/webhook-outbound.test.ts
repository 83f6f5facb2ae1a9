import http from "node:http";
import type { AddressInfo } from "node:net";
import tls from "node:tls";
import { loadConfig } from "@producer/config";
import { createTeardown } from "@producer/test-utils";
import { InvalidInputError, type Logger } from "@producer/utils";
import { afterEach, describe, expect, it } from "vitest";
import { deliverWebhook, ProducerService, type Job } from "../src/index.js";
import type { WebhookPolicy } from "../src/webhook-policy.js";
import { createStack, type CoreStack } from "./stack.js";

/** A real HTTP server that counts what reaches it; `answer` decides the reply. */
interface Receiver {
  port: number;
  hits: Array<{ method: string; url: string; host: string | undefined }>;
  close(): Promise<void>;
}

async function startReceiver(
  host = "127.0.0.1",
  answer: (response: http.ServerResponse) => void = (response) => response.writeHead(204).end(),
): Promise<Receiver> {
  const hits: Receiver["hits"] = [];
  const server = http.createServer((request, response) => {
    hits.push({ method: request.method ?? "", url: request.url ?? "", host: request.headers.host });
    request.resume();
    request.on("end", () => answer(response));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Every line a logger was given, as JSON, so a test can look for what must never be written. */
function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const at =
    (level: string) =>
    (first: string | object, message?: string): void => {
      lines.push(JSON.stringify(typeof first === "string" ? { level, msg: first } : { level, ...first, msg: message }));
    };
  const logger: Logger = {
    trace: at("trace"),
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    fatal: at("fatal"),
    child: () => logger,
  };
  return { logger, lines };
}

/** A finished job as the service hands it to `deliverWebhook`. */
function finishedJob(webhookUrl: string): Job {
  const now = new Date().toISOString();
  return {
    id: "job-webhook-test",
    status: "succeeded",
    input: { prompt: "x", instrumental: false, format: "wav", priority: 0 },
    attempts: 1,
    maxAttempts: 3,
    progress: null,
    error: null,
    tracks: [],
    idempotencyKey: null,
    webhookUrl,
    webhookStatus: "pending",
    createdAt: now,
    updatedAt: now,
    startedAt: now,
    finishedAt: now,
    runAfter: now,
    submission: null,
    account: null,
    waiting: null,
    recoverable: false,
    recovery: null,
  };
}

const deliver = (url: string, policy: WebhookPolicy, logger?: Logger) =>
  deliverWebhook(finishedJob(url), {
    secret: undefined,
    maxAttempts: 3,
    timeoutMs: 5000,
    baseDelayMs: 10,
    policy,
    ...(logger ? { logger } : {}),
  });

const teardown = createTeardown();
afterEach(() => teardown.run());

async function receiver(host?: string, answer?: (response: http.ServerResponse) => void): Promise<Receiver> {
  const started = await startReceiver(host, answer);
  teardown.add(started.close);
  return started;
}

async function harnessWith(options: Parameters<typeof createStack>[0]): Promise<CoreStack> {
  const harness = await createStack(options);
  teardown.add(harness.close);
  return harness;
}

async function webhookStatusSettles(harness: CoreStack, id: string): Promise<Job["webhookStatus"]> {
  await harness.service.waitForJob(id, { timeoutMs: 60_000 });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { webhookStatus } = await harness.service.getJob(id);
    if (webhookStatus !== "pending" || Date.now() > deadline) return webhookStatus;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("webhooks under the default outbound policy", () => {
  it("refuses internal literals and credentials at submission, naming webhookUrl, and nothing reaches a receiver", async () => {
    const v4 = await receiver("127.0.0.1");
    const v6 = await receiver("::1");
    const harness = await harnessWith({ generator: false });
    const cases: Array<[string, RegExp]> = [
      [
        `http://127.0.0.1:${v4.port}/hook`,
        /^Invalid generation request: webhookUrl must not point at a loopback address \(127\.0\.0\.1\)\.$/,
      ],
      [`http://0x7f000001:${v4.port}/`, /webhookUrl must not point at a loopback address \(127\.0\.0\.1\)/],
      [`http://2130706433:${v4.port}/`, /webhookUrl must not point at a loopback address \(127\.0\.0\.1\)/],
      [`http://[::ffff:127.0.0.1]:${v4.port}/`, /webhookUrl must not point at a loopback address/],
      [
        "http://169.254.169.254/latest/meta-data",
        /webhookUrl must not point at a cloud metadata address \(169\.254\.169\.254\)/,
      ],
      ["http://10.0.0.1/", /webhookUrl must not point at a private address \(10\.0\.0\.1\)/],
      [`http://[::1]:${v6.port}/`, /webhookUrl must not point at a loopback address \(::1\)/],
      ["http://user:pw-in-the-url@example.test/", /webhookUrl must not carry a user name or password/],
      ["http://user@example.test/", /webhookUrl must not carry a user name or password/],
    ];
    for (const [webhookUrl, message] of cases) {
      const error = await harness.service.generateMusic({ prompt: "a song", webhookUrl }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(InvalidInputError.isInstance(error), webhookUrl).toBe(true);
      const invalid = error as InvalidInputError;
      expect(invalid.code).toBe("INVALID_INPUT");
      expect(invalid.message, webhookUrl).toMatch(message);
      expect(invalid.fields).toEqual([{ path: "webhookUrl", message: expect.any(String) as string }]);
      expect(JSON.stringify(invalid.toJSON())).not.toContain("pw-in-the-url");
    }
    expect(await harness.service.upNext()).toEqual([]);
    expect(v4.hits).toEqual([]);
    expect(v6.hits).toEqual([]);
  });

  it("names every bad field at once, the webhook among them", async () => {
    const harness = await harnessWith({ generator: false });
    const error = await harness.service
      .generateMusic({ prompt: "", webhookUrl: "http://10.1.2.3/" })
      .catch((caught: unknown) => caught);
    expect((error as InvalidInputError).fields.map((field) => field.path)).toEqual(["prompt", "webhookUrl"]);
  });

  it("refuses a delivery to a name that resolves to loopback, without a connection, and does not retry", async () => {
    const target = await receiver("127.0.0.1");
    const { logger, lines } = capturingLogger();
    expect(await deliver(`http://localhost:${target.port}/hook?token=query-secret`, {}, logger)).toBe(false);
    expect(target.hits).toEqual([]);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: "warn",
      jobId: "job-webhook-test",
      webhook: `http://localhost:${target.port}`,
    });
    expect(line.msg).toMatch(/^webhook refused: localhost resolves to a loopback address \((127\.0\.0\.1|::1)\)$/);
    expect(line.error).toBe(line.msg);
    expect(lines.join("\n")).not.toContain("query-secret");
    expect(lines.join("\n")).not.toContain("/hook");
  });

  it("refuses at delivery the literals a job queued before the policy may still carry", async () => {
    const v4 = await receiver("127.0.0.1");
    const v6 = await receiver("::1");
    const { logger, lines } = capturingLogger();
    for (const url of [
      `http://127.0.0.1:${v4.port}/hook`,
      `http://0x7f000001:${v4.port}/`,
      `http://[::1]:${v6.port}/`,
      "http://169.254.169.254/latest/meta-data",
      "http://10.0.0.1/",
    ]) {
      expect(await deliver(url, {}, logger), url).toBe(false);
    }
    expect(v4.hits).toEqual([]);
    expect(v6.hits).toEqual([]);
    expect(lines.every((line) => line.includes("webhook refused: the URL must not point at"))).toBe(true);
    expect(lines.join("\n")).not.toContain("meta-data");
  });

  it("tells a job's refused webhook as failed, end to end, and the receiver sees nothing", async () => {
    const target = await receiver("127.0.0.1");
    const harness = await harnessWith({});
    const { jobId } = (await harness.service.generateMusic({
      prompt: "tell me",
      webhookUrl: `http://localhost:${target.port}/hook`,
    })) as {
      jobId: string;
    };
    expect(await webhookStatusSettles(harness, jobId)).toBe("failed");
    expect(target.hits).toEqual([]);
  }, 90_000);
});

describe("webhooks with private addresses allowed", () => {
  const allowPrivate = { allowPrivateAddresses: true };

  it("delivers to this machine by name, the Host header keeping the name", async () => {
    const target = await receiver("127.0.0.1");
    expect(await deliver(`http://localhost:${target.port}/hooks/producer?x=1`, allowPrivate)).toBe(true);
    expect(target.hits).toEqual([{ method: "POST", url: "/hooks/producer?x=1", host: `localhost:${target.port}` }]);
  });

  it("connects over TLS to the checked address with the name as the server name", async () => {
    // No certificate: the handshake stops after the client's hello, which is where the server name is sent.
    const names: string[] = [];
    const server = tls.createServer({
      SNICallback: (name, callback) => {
        names.push(name);
        callback(null, undefined);
      },
    });
    server.on("tlsClientError", () => undefined);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    teardown.add(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    expect(await deliver(`https://localhost:${port}/hook`, allowPrivate)).toBe(false);
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names)).toEqual(new Set(["localhost"]));
  });

  it("keeps metadata addresses refused", async () => {
    const { logger, lines } = capturingLogger();
    expect(await deliver("http://169.254.169.254/latest/meta-data", allowPrivate, logger)).toBe(false);
    expect(lines[0]).toContain("webhook refused: the URL must not point at a cloud metadata address (169.254.169.254)");
  });

  it("never follows a redirect: a 307 is a failed delivery, not retried, and its target sees nothing", async () => {
    const inner = await receiver("127.0.0.1");
    const redirecting = await receiver("127.0.0.1", (response) =>
      response.writeHead(307, { location: `http://127.0.0.1:${inner.port}/internal/admin` }).end(),
    );
    const { logger, lines } = capturingLogger();
    expect(await deliver(`http://127.0.0.1:${redirecting.port}/hook`, allowPrivate, logger)).toBe(false);
    expect(redirecting.hits).toHaveLength(1);
    expect(inner.hits).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: "warn",
      msg: "webhook delivery failed",
      webhook: `http://127.0.0.1:${redirecting.port}`,
      error: "Webhook answered HTTP 307; redirects are not followed",
    });
  });

  it("tells a job whose receiver redirects as failed, end to end, the redirect's target seeing nothing", async () => {
    const inner = await receiver("127.0.0.1");
    const redirecting = await receiver("127.0.0.1", (response) =>
      response.writeHead(307, { location: `http://127.0.0.1:${inner.port}/internal` }).end(),
    );
    const harness = await harnessWith({ config: { webhooks: allowPrivate } });
    const { jobId } = (await harness.service.generateMusic({
      prompt: "tell me",
      webhookUrl: `http://127.0.0.1:${redirecting.port}/hook`,
    })) as { jobId: string };
    expect(await webhookStatusSettles(harness, jobId)).toBe("failed");
    expect(redirecting.hits).toHaveLength(1);
    expect(inner.hits).toEqual([]);
  }, 90_000);

  it("holds to the allow-list, by host:port", async () => {
    const target = await receiver("127.0.0.1");
    const url = `http://127.0.0.1:${target.port}/hook`;
    expect(await deliver(url, { ...allowPrivate, allowedHosts: ["hooks.example.com"] })).toBe(false);
    expect(await deliver(url, { ...allowPrivate, allowedHosts: [`127.0.0.1:${target.port + 1}`] })).toBe(false);
    expect(target.hits).toEqual([]);
    expect(await deliver(url, { ...allowPrivate, allowedHosts: [`127.0.0.1:${target.port}`] })).toBe(true);
    expect(target.hits).toHaveLength(1);
  });

  it("retries a receiver that fails with 503, then delivers", async () => {
    let failures = 1;
    const target = await receiver("127.0.0.1", (response) => response.writeHead(failures-- > 0 ? 503 : 204).end());
    expect(await deliver(`http://127.0.0.1:${target.port}/hook`, allowPrivate)).toBe(true);
    expect(target.hits).toHaveLength(2);
  });
});

describe("webhook URLs in logs", () => {
  it("never carry a password, a path or a query: at submission, at delivery, delivered or failed", async () => {
    const password = "hunter2-webhook-password";
    const query = "query-token-4711";
    const dataDir = teardown.tempDir("producer-webhook-logs-");
    const { logger, lines } = capturingLogger();
    const { config } = loadConfig({
      env: {},
      configFile: false,
      overrides: { paths: { dataDir }, storage: { driver: "local" } },
    });
    const service = await ProducerService.create({ config, logger });
    teardown.add(() => service.close({ graceMs: 0 }));
    const error = await service
      .generateMusic({ prompt: "x", webhookUrl: `https://user:${password}@hooks.example.com/in?t=${query}` })
      .catch((caught: unknown) => caught);
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect(JSON.stringify(error) + String((error as Error).message)).not.toContain(password);

    const good = await receiver("127.0.0.1");
    const failing = await receiver("127.0.0.1", (response) => response.writeHead(500).end());
    const allowPrivate = { allowPrivateAddresses: true };
    expect(
      await deliver(`http://user:${password}@127.0.0.1:${good.port}/secret-path?t=${query}`, allowPrivate, logger),
    ).toBe(false);
    expect(good.hits).toEqual([]);
    expect(await deliver(`http://127.0.0.1:${good.port}/secret-path?t=${query}`, allowPrivate, logger)).toBe(true);
    expect(await deliver(`http://127.0.0.1:${failing.port}/secret-path?t=${query}`, allowPrivate, logger)).toBe(false);
    expect(await deliver(`http://localhost:${good.port}/secret-path?t=${query}`, {}, logger)).toBe(false);

    const written = lines.join("\n");
    expect(written).toContain("webhook refused: the URL must not carry a user name or password");
    expect(written).toContain("webhook delivered");
    expect(written).toContain("webhook delivery failed");
    expect(written).toContain(`http://127.0.0.1:${good.port}`);
    for (const secret of [password, query, "secret-path", "user:"]) expect(written).not.toContain(secret);
  });
});
