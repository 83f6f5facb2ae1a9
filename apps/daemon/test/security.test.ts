import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { promisify } from "node:util";
import { chromium, type Browser } from "playwright";
import { findBrowserExecutable, loadConfig } from "@producer/config";
import { ProducerClient } from "@producer/core/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, startTestDaemon, type TestDaemon } from "./process-harness.js";

// The daemon on TCP with no token configured, as the demo and most setups run it: only its owner may drive it.
const run = promisify(execFile);
let daemon: TestDaemon;
let token: string;

beforeAll(async () => {
  daemon = await startTestDaemon({
    name: "security",
    env: {
      PRODUCER_DAEMON_MAX_EVENT_STREAMS_PER_CLIENT: "3",
      PRODUCER_DAEMON_SIGN_IN_ATTEMPTS_PER_MINUTE: "5",
      PRODUCER_DAEMON_LEGACY_ROUTES: "true",
    },
  });
  const file = path.join(daemon.dataDir, "daemon-token");
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  token = fs.readFileSync(file, "utf8").trim();
}, 90_000);
afterAll(async () => {
  await daemon?.close();
});

/** A raw HTTP request to the daemon's TCP port, with any Host header (fetch will not send a forged one). */
function raw(options: {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  const { port } = new URL(daemon.baseUrl);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: "127.0.0.1", port, method: options.method ?? "GET", path: options.path, headers: options.headers },
      (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => (body += chunk.toString()));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
      },
    );
    request.on("error", reject);
    request.end(options.body);
  });
}

const own = () => `127.0.0.1:${new URL(daemon.baseUrl).port}`;
const bearer = () => ({ authorization: `Bearer ${token}` });
const json = (value: unknown) => ({ "content-type": "application/json", body: JSON.stringify(value) });

describe("a daemon on TCP", () => {
  it("refuses a DNS-rebinding request (a foreign Host with a matching Origin) on HTTP and MCP, token or not", async () => {
    const before = daemon.site.stats.generations;
    const evil = `evil.example:${new URL(daemon.baseUrl).port}`;
    const rebound = { host: evil, origin: `http://${evil}` };
    expect((await raw({ path: "/v1/session", headers: rebound })).status).toBe(403);
    expect((await raw({ path: "/v1/session", headers: { ...rebound, ...bearer() } })).status).toBe(403);
    const { body, ...type } = json({ prompt: "paid by a stranger" });
    expect(
      (await raw({ method: "POST", path: "/v1/generations", headers: { ...rebound, ...bearer(), ...type }, body }))
        .status,
    ).toBe(403);
    const call = json({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "generate_music", arguments: { prompt: "via mcp" } },
    });
    const mcp = await raw({
      method: "POST",
      path: "/mcp",
      headers: {
        ...rebound,
        ...bearer(),
        "content-type": call["content-type"],
        accept: "application/json, text/event-stream",
      },
      body: call.body,
    });
    expect(mcp.status).toBe(403);
    // A right Host with a foreign Origin (a page of another site) is refused too; the daemon's own names pass.
    expect(
      (await raw({ path: "/v1/queue", headers: { host: own(), origin: "http://evil.example", ...bearer() } })).status,
    ).toBe(403);
    expect(
      (await raw({ path: "/v1/queue", headers: { host: own(), origin: `http://${own()}`, ...bearer() } })).status,
    ).toBe(200);
    expect(
      (await raw({ path: "/v1/queue", headers: { host: `localhost:${new URL(daemon.baseUrl).port}`, ...bearer() } }))
        .status,
    ).toBe(200);
    expect(daemon.site.stats.generations).toBe(before);
  });

  it("makes a token at first start and asks every TCP request for it; the client, the CLI and the status page need nothing", async () => {
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect((await raw({ path: "/v1/queue", headers: { host: own() } })).status).toBe(401);
    expect((await raw({ path: "/v1/queue", headers: { host: own(), ...bearer() } })).status).toBe(200);
    // The client of the same data dir reads the token where the daemon keeps it.
    const saved = process.env.PRODUCER_PATHS_DATA_DIR;
    process.env.PRODUCER_PATHS_DATA_DIR = daemon.dataDir;
    try {
      expect((await new ProducerClient({ baseUrl: daemon.baseUrl }).status()).jobsByStatus).toBeDefined();
    } finally {
      if (saved === undefined) delete process.env.PRODUCER_PATHS_DATA_DIR;
      else process.env.PRODUCER_PATHS_DATA_DIR = saved;
    }
    // The CLI talks over the socket; `producer open` gives a one-time link that signs the status page in.
    const { stdout } = await run(process.execPath, [bin, "open"], { env: daemon.env, timeout: 30_000 });
    const link = /^(http:\/\/\S+)$/m.exec(stdout)?.[1] as string;
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/login\?code=/);
    let browser: Browser | undefined;
    try {
      const root = typeof process.getuid === "function" && process.getuid() === 0;
      browser = await chromium.launch({
        executablePath: findBrowserExecutable(loadConfig({ env: daemon.env, configFile: false }).config),
        args: root ? ["--no-sandbox"] : [],
      });
      const page = await browser.newPage();
      await page.goto(link);
      await expect.poll(() => page.getByRole("heading", { level: 1, name: "producer" }).isVisible()).toBe(true);
      expect(await page.locator("#token").count()).toBe(0); // the status page, not the sign-in form
      // The link works once.
      const again = await (await browser.newPage()).goto(link);
      expect(again?.status()).toBe(401);
    } finally {
      await browser?.close();
    }
  }, 90_000);

  it("never drives the browser on a GET: a fresh session check is a POST", async () => {
    const get = await raw({ path: "/v1/session?force=true", headers: { host: own(), ...bearer() } });
    expect(get.status).toBe(400);
    expect(JSON.parse(get.body)).toMatchObject({ error: { code: "INVALID_INPUT" } });
    const post = await raw({ method: "POST", path: "/v1/session/check", headers: { host: own(), ...bearer() } });
    expect(post.status).toBe(200);
    expect(JSON.parse(post.body)).toMatchObject({ valid: true });
  }, 60_000);

  it("refuses a body that is not UTF-8 with 400 INVALID_INPUT, submitting nothing", async () => {
    const before = daemon.site.stats.generations;
    const body = Buffer.concat([Buffer.from('{"prompt":"caf'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const answer = await raw({
      method: "POST",
      path: "/v1/generations",
      headers: { host: own(), ...bearer(), "content-type": "application/json" },
      body,
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({
      error: { code: "INVALID_INPUT", message: "The body is not valid UTF-8." },
    });
    expect(daemon.site.stats.generations).toBe(before);
  });

  it("caps the event streams a client holds open (429 past it) and gives a place back when one closes", async () => {
    const { jobId } = (await new ProducerClient({ baseUrl: daemon.baseUrl, token }).generateMusic({
      prompt: "watched a lot",
    })) as { jobId: string };
    const controllers = Array.from({ length: 4 }, () => new AbortController());
    const open = (index: number) =>
      fetch(new URL(`/v1/generations/${jobId}/events`, daemon.baseUrl), {
        headers: bearer(),
        signal: (controllers[index] as AbortController).signal,
      });
    const first = await Promise.all([0, 1, 2].map(open));
    expect(first.map((response) => response.status)).toEqual([200, 200, 200]);
    const fourth = await open(3);
    expect(fourth.status).toBe(429);
    expect(fourth.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(((await fourth.json()) as { error: { code: string } }).error.code).toBe("RATE_LIMITED");
    (controllers[0] as AbortController).abort();
    await expect.poll(async () => (await open(3)).status, { timeout: 10_000 }).toBe(200);
    for (const controller of controllers) controller.abort();
    await new ProducerClient({ baseUrl: daemon.baseUrl, token }).waitForJob(jobId, { timeoutMs: 60_000 });
  }, 90_000);

  it("names no absolute local path over TCP; the socket's owner gets them", async () => {
    daemon.site.faults.set("song-failed", { times: 1 });
    const overTcp = new ProducerClient({ baseUrl: daemon.baseUrl, token });
    const { jobId } = (await overTcp.generateMusic({ prompt: "fails with a screenshot" })) as { jobId: string };
    const failed = await overTcp.waitForJob(jobId, { timeoutMs: 60_000 });
    expect(failed.status).toBe("failed");
    const answer = await raw({ path: `/v1/generations/${jobId}`, headers: { host: own(), ...bearer() } });
    expect(answer.body).not.toContain(daemon.dataDir);
    const artifacts = (failed.error?.details?.artifacts ?? {}) as Record<string, string>;
    expect(artifacts.screenshot).toMatch(/^\/v1\/artifacts\/[^/]+\/page\.png$/);
    expect((await raw({ path: artifacts.screenshot as string, headers: { host: own(), ...bearer() } })).status).toBe(
      200,
    );
    const overSocket = await new ProducerClient({ socketPath: path.join(daemon.dataDir, "producer.sock") }).getJob(
      jobId,
    );
    const html = ((overSocket.error?.details?.artifacts ?? {}) as Record<string, string>).html as string;
    expect(html.startsWith(daemon.dataDir)).toBe(true);
    // The page HTML was scrubbed as it was written: no cookie value of the session is in it, and it is served.
    const state = JSON.parse(fs.readFileSync(path.join(daemon.dataDir, "state.json"), "utf8")) as {
      cookies: Array<{ value: string }>;
    };
    const secrets = state.cookies.map((cookie) => cookie.value).filter((value) => value.length >= 8);
    expect(secrets.length).toBeGreaterThan(0);
    const written = fs.readFileSync(html, "utf8");
    expect(secrets.filter((secret) => written.includes(secret))).toEqual([]);
    const htmlLink = ((failed.error?.details?.artifacts ?? {}) as Record<string, string>).html as string;
    expect((await raw({ path: htmlLink, headers: { host: own(), ...bearer() } })).status).toBe(200);
    // A file that does hold one (say, left by an older version) is never served.
    const planted = path.join(daemon.dataDir, "artifacts", "planted");
    fs.mkdirSync(planted, { recursive: true, mode: 0o700 });
    fs.writeFileSync(
      path.join(planted, "page.html"),
      `<html><script>const session = "${secrets[0]}";</script></html>`,
      { mode: 0o600 },
    );
    const refused = await raw({ path: "/v1/artifacts/planted/page.html", headers: { host: own(), ...bearer() } });
    expect(refused.status).toBe(403);
    expect(refused.body).not.toContain(secrets[0]);
  }, 90_000);

  it("refuses webhooks to this machine, the LAN, the metadata service or with credentials; the receiver is never reached", async () => {
    let hits = 0;
    const receiver = http.createServer((_request, response) => {
      hits += 1;
      response.end("ok");
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const port = (receiver.address() as { port: number }).port;
    try {
      const before = daemon.site.stats.generations;
      for (const webhookUrl of [
        `http://127.0.0.1:${port}/hook`,
        `http://0x7f000001:${port}/`,
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.1/",
        `http://user:pw@example.test/`,
      ]) {
        const { body, ...type } = json({ prompt: "with a webhook", webhookUrl });
        const answer = await raw({
          method: "POST",
          path: "/v1/generations",
          headers: { host: own(), ...bearer(), ...type },
          body,
        });
        expect(answer.status, webhookUrl).toBe(400);
        const error = (JSON.parse(answer.body) as { error: { code: string; message: string } }).error;
        expect(error.code).toBe("INVALID_INPUT");
        expect(error.message).toContain("webhookUrl");
        expect(answer.body).not.toContain("pw@");
      }
      expect(daemon.site.stats.generations).toBe(before);
      // A name that resolves to loopback passes the form, and is refused when the address is known.
      const overTcp = new ProducerClient({ baseUrl: daemon.baseUrl, token });
      const { jobId } = (await overTcp.generateMusic({
        prompt: "a named loopback webhook",
        webhookUrl: `http://localhost:${port}/hook`,
      })) as { jobId: string };
      await overTcp.waitForJob(jobId, { timeoutMs: 60_000 });
      await expect.poll(async () => (await overTcp.getJob(jobId)).webhookStatus, { timeout: 15_000 }).toBe("failed");
      expect(hits).toBe(0);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  }, 90_000);

  it("limits failed sign-in attempts per client", async () => {
    // The used-up link of the earlier case was one failure already: four more are heard, then 429.
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const answer = await raw({
        method: "POST",
        path: "/login",
        headers: { host: own(), "content-type": "application/x-www-form-urlencoded" },
        body: "token=not-the-token-at-all",
      });
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    // Even the right token waits out the minute.
    expect(
      (
        await raw({
          method: "POST",
          path: "/login",
          headers: { host: own(), "content-type": "application/x-www-form-urlencoded" },
          body: `token=${token}`,
        })
      ).status,
    ).toBe(429);
  });

  it("the earlier routes read JSON bodies only, and UTF-8 only", async () => {
    const plain = await raw({
      method: "POST",
      path: "/api/ai/producer/generate",
      headers: { host: own(), ...bearer(), "content-type": "text/plain" },
      body: '{"prompt":"as text"}',
    });
    expect(plain.status).toBe(415);
    const broken = Buffer.concat([Buffer.from('{"prompt":"x'), Buffer.from([0xff]), Buffer.from('"}')]);
    const notUtf8 = await raw({
      method: "POST",
      path: "/api/ai/producer/generate",
      headers: { host: own(), ...bearer(), "content-type": "application/json" },
      body: broken,
    });
    expect(notUtf8.status).toBe(400);
  });
});
