import { createHash } from "node:crypto";
import path from "node:path";
import { PassThrough } from "node:stream";
import { loadConfig, type ProducerConfig, type ProducerConfigInput } from "@producer/config";
import { ProducerClient, ProducerService } from "@producer/core";
import type { RunningSimulator } from "@producer/simulator";
import { golden, normalize } from "@producer/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeServer, createApp, createDaemonLogger, listenOnTcp } from "../src/index.js";
import type { HttpServer } from "../src/listen.js";
import { createStack } from "./stack.js";

const FIXTURES = path.join(import.meta.dirname, "fixtures", "legacy-http");
const token = "legacy-routes-test-token";
const password = "hunter2-never-logged";

let stack: Awaited<ReturnType<typeof createStack>>;
let site: RunningSimulator;
let config: ProducerConfig;
let service: ProducerService;
let server: HttpServer;
let base: string;
const logLines: string[] = [];

/** The engine's settings (one attempt a job) with these daemon settings, behind the token. */
const settings = (overrides: ProducerConfigInput): ProducerConfigInput => ({
  queue: { maxAttempts: 1 },
  ...overrides,
  daemon: { token, ...overrides.daemon },
});
const configWith = (overrides: ProducerConfigInput): ProducerConfig => stack.configWith(settings(overrides));

async function listen(appConfig: ProducerConfig): Promise<{ server: HttpServer; base: string }> {
  const logs = new PassThrough();
  logs.on("data", (chunk: Buffer) => logLines.push(chunk.toString()));
  const app = createApp({ config: appConfig, service, logger: createDaemonLogger("debug", logs) });
  const tcp = await listenOnTcp(app as never, { host: "127.0.0.1", port: 0, tokenConfigured: true });
  return { server: tcp.server, base: `http://127.0.0.1:${tcp.port}` };
}

beforeAll(async () => {
  stack = await createStack({
    name: "legacy-http",
    bucket: "legacy-http", // as the golden files have it
    config: settings({ daemon: { legacyRoutes: true } }),
  });
  ({ site, config, service } = stack);
  ({ server, base } = await listen(config));
  stack.teardown.add(() => closeServer(server));
});
afterAll(() => stack?.close());

const auth = { authorization: `Bearer ${token}` };
async function call(method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { ...auth, ...(payload === undefined ? {} : { "content-type": "application/json" }), ...headers },
    ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
  });
  const type = response.headers.get("content-type") ?? "";
  const bytes = Buffer.from(await response.arrayBuffer());
  const body = type.includes("json") ? (JSON.parse(bytes.toString("utf8")) as Record<string, unknown>) : {};
  return { status: response.status, type, body, bytes };
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

describe("the earlier HTTP routes", () => {
  it("are off unless daemon.legacyRoutes is on, and always behind the daemon's token", async () => {
    const plain = await listen(configWith({}));
    try {
      expect((await fetch(`${plain.base}/api/ai/producer/music-clip/simple-test`, { headers: auth })).status).toBe(404);
    } finally {
      await closeServer(plain.server);
    }
    expect((await fetch(`${base}/api/ai/producer/music-clip/simple-test`)).status).toBe(401);
    const simple = await call("GET", "/api/ai/producer/music-clip/simple-test");
    expect(simple.status).toBe(200);
    expect(normalize(simple.body)).toEqual(golden(FIXTURES, "simple-test", simple.body));
  });

  it("POST music-clip/generate: the unified success, the user from the header, the earlier key layout, one submission", async () => {
    const before = site.stats.generations;
    const response = await call(
      "POST",
      "/api/ai/producer/music-clip/generate",
      {
        prompt: "A warm folk song",
        title: "Harbor",
        is_instrumental: false,
        lyrics: "oh the sea",
        project_id: "project_123",
        email: "me@example.com",
        password,
      },
      { "x-user-id": "user_456" },
    );
    expect(response.status).toBe(200);
    expect(normalize(response.body)).toEqual(golden(FIXTURES, "music-clip-generate", response.body));
    expect(site.stats.generations).toBe(before + 1);
    expect(site.stats.prompts.at(-1)).toBe("A warm folk song\n\nLyrics:\noh the sea");
    const files = response.body.uploaded_files as Array<{
      filename: string;
      local_path: null;
      track_record: { s3_key: string; sha256: string; id: string };
    }>;
    for (const file of files)
      expect(file.track_record.s3_key).toBe(`users/user_456/projects/music-clip/project_123/audio/${file.filename}`);

    // The request status, by its id, in the earlier envelope; an unknown one as before.
    const status = await call("GET", `/api/ai/producer/music-clip/request-status/${String(response.body.request_id)}`);
    expect(status.body).toMatchObject({
      success: true,
      status: { status: "completed", request_id: response.body.request_id },
    });
    expect(await call("GET", "/api/ai/producer/music-clip/request-status/nope")).toMatchObject({
      status: 200,
      body: { success: false, error: "Request not found" },
    });

    // Each song is served from storage, byte for byte, at its listed URL and through the typed client.
    const listed = await call("GET", "/api/ai/producer/files");
    const entries = (listed.body as { files: Array<{ filename: string; url: string }> }).files;
    for (const file of files) {
      const entry = entries.find((candidate) => candidate.filename === file.filename);
      expect(entry?.url).toBe(`/api/ai/producer/files/${file.filename}`);
      const audio = await call("GET", entry?.url as string);
      expect(audio.type).toBe("audio/wav");
      expect(sha256(audio.bytes)).toBe(file.track_record.sha256);
      const viaClient = await new ProducerClient({ baseUrl: base, token }).openTrackAudio(file.track_record.id);
      expect(sha256(Buffer.concat(await viaClient.stream.toArray()))).toBe(file.track_record.sha256);
    }
    expect(await call("GET", "/api/ai/producer/files/00000000-0000-4000-8000-000000000000-1.wav")).toMatchObject({
      status: 404,
      body: { detail: "File not found" },
    });
    expect(logLines.join("")).not.toContain(password);
  });

  it("takes the user from the body's user_id, and answers 401 / 422 as the earlier routes did", async () => {
    const fromBody = await call("POST", "/api/ai/producer/music-clip/generate", {
      prompt: "Lo-fi beat",
      project_id: "p-1",
      user_id: "u-body",
    });
    expect(fromBody.status).toBe(200);
    expect(
      (fromBody.body.uploaded_files as Array<{ track_record: { user_id: string } }>)[0]?.track_record.user_id,
    ).toBe("u-body");
    const noUser = await call("POST", "/api/ai/producer/music-clip/generate", { prompt: "who am I" });
    expect(noUser).toMatchObject({ status: 401, body: { detail: "Not authenticated" } });
    const noPrompt = await call(
      "POST",
      "/api/ai/producer/music-clip/generate",
      { title: "no prompt" },
      { "x-user-id": "u" },
    );
    expect(noPrompt.status).toBe(422);
    expect(normalize(noPrompt.body)).toEqual(golden(FIXTURES, "music-clip-generate-422", noPrompt.body));
  });

  it("the session routes answer { success, status, timestamp }", async () => {
    for (const route of ["status", "session-status"]) {
      const response = await call("GET", `/api/ai/producer/music-clip/${route}`);
      expect(response.status).toBe(200);
      expect(normalize(response.body)).toEqual(golden(FIXTURES, "session-status", response.body));
    }
    const test = await call("GET", "/api/ai/producer/music-clip/test-status");
    expect(test.body).toMatchObject({ success: true, status: { is_authenticated: true } });
  });

  it("POST /generate (the generic router) and GET /files, email and password accepted and ignored", async () => {
    const before = site.stats.generations;
    const response = await call("POST", "/api/ai/producer/generate", {
      prompt: "Create a happy pop song",
      title: "My New Song",
      email: "me@example.com",
      password,
    });
    expect(response.status).toBe(200);
    expect(normalize(response.body)).toEqual(golden(FIXTURES, "generic-generate", response.body));
    expect(response.body.audio_url).toBe((response.body.network_urls as string[])[0]);
    expect(site.stats.generations).toBe(before + 1);
    const files = await call("GET", "/api/ai/producer/files");
    const names = (files.body as { files: Array<{ filename: string }> }).files.map((file) => file.filename);
    expect(names).toEqual(expect.arrayContaining(response.body.downloaded_files as string[]));
    expect(logLines.join("")).not.toContain(password);
  });

  it("POST test-generate runs a generation for the test user", async () => {
    const response = await call("POST", "/api/ai/producer/music-clip/test-generate", {});
    expect(response.status).toBe(200);
    const files = response.body.uploaded_files as Array<{ track_record: { s3_key: string } }>;
    expect(files[0]?.track_record.s3_key).toMatch(/^users\/test_user\/projects\/music-clip\/test_project\/audio\//);
  });

  it("failures are HTTP 500 { detail }, exactly as before", async () => {
    site.faults.set("song-failed");
    try {
      const clip = await call(
        "POST",
        "/api/ai/producer/music-clip/generate",
        { prompt: "fails", project_id: "p" },
        { "x-user-id": "u" },
      );
      expect(clip.status).toBe(500);
      expect(normalize(clip.body)).toEqual(golden(FIXTURES, "music-clip-generate-500", clip.body));
      const generic = await call("POST", "/api/ai/producer/generate", { prompt: "fails too" });
      expect(generic.status).toBe(500);
      expect(normalize(generic.body)).toEqual(golden(FIXTURES, "generic-generate-500", generic.body));
    } finally {
      site.faults.clear();
    }
  });

  it("live under a configured prefix", async () => {
    const moved = await listen(configWith({ daemon: { legacyRoutes: true, legacyPrefix: "/legacy/producer" } }));
    try {
      const simple = await fetch(`${moved.base}/legacy/producer/music-clip/simple-test`, { headers: auth });
      expect(simple.status).toBe(200);
      const files = (await (await fetch(`${moved.base}/legacy/producer/files`, { headers: auth })).json()) as {
        files: Array<{ url: string }>;
      };
      expect(files.files.length).toBeGreaterThan(0);
      for (const file of files.files) expect(file.url).toMatch(/^\/legacy\/producer\/files\//);
      expect((await fetch(`${moved.base}/api/ai/producer/files`, { headers: auth })).status).toBe(404);
    } finally {
      await closeServer(moved.server);
    }
  });
});

describe("the earlier routes under load", () => {
  it("answer a full queue with 429 and Retry-After, and a body that is not JSON with 415", async () => {
    const fullDir = stack.teardown.tempDir("producer-legacy-full-");
    const fullConfig = loadConfig({
      env: {},
      configFile: false,
      overrides: { paths: { dataDir: fullDir }, queue: { maxQueued: 1 }, daemon: { token, legacyRoutes: true } },
    }).config;
    // No browser: the one queued job stays queued, so the queue is full.
    const queueOnly = await ProducerService.create({ config: fullConfig });
    try {
      const app = createApp({ config: fullConfig, service: queueOnly });
      const post = (body: string, type = "application/json") =>
        app.request("/api/ai/producer/music-clip/generate", {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": type, "x-user-id": "u1" },
          body,
        });
      await queueOnly.generateMusic({ prompt: "fills the queue" });
      const full = await post(JSON.stringify({ prompt: "one too many" }));
      expect(full.status).toBe(429);
      expect(full.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(((await full.json()) as { detail: string }).detail).toMatch(/^QUEUE_FULL/);
      expect((await post(JSON.stringify({ prompt: "as text" }), "text/plain")).status).toBe(415);
    } finally {
      await queueOnly.close({ graceMs: 0 });
    }
  });
});
