import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { loadConfig, type ProducerConfig } from "@producer/config";
import { ProducerService, type Job, type Track } from "@producer/core";
import { createTeardown, producerEnvironment, synthesizeMp3, synthesizeWav } from "@producer/test-utils";
import { LocalStorage, type GenerateOptions, type MusicGenerator, type OperationRequest } from "@producer/utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { closeServer, createApp, listenOnSocket } from "../src/index.js";
import { createMcpServer } from "../src/mcp/tools.js";

const run = promisify(execFile);
const bin = path.join(import.meta.dirname, "..", "bin", "producer.js");
const teardown = createTeardown();

/** Every operate call the site driver got, in order. */
const operations: OperationRequest[] = [];

/** A site driver that makes each song a WAV of its own, named by the clip it becomes. */
function fileOf(options: GenerateOptions, clipId: string, durationSecs: number, format: "wav" | "mp3" = "wav") {
  fs.mkdirSync(options.downloadDir as string, { recursive: true });
  const filePath = path.join(options.downloadDir as string, `${clipId}.${format}`);
  const synthesis = { seed: clipId, durationSecs, sampleRate: format === "mp3" ? 44_100 : 8000, channels: 1 as const };
  fs.writeFileSync(filePath, format === "mp3" ? synthesizeMp3(synthesis) : synthesizeWav(synthesis));
  return { index: 0, title: clipId, filePath, format, clipId };
}
const generator: MusicGenerator = {
  generate: async (_request, options = {}) => [fileOf(options, `song-${Date.now()}`, 2)],
  operate: async (request, options = {}) => {
    operations.push(request);
    await options.onSubmission?.({ state: "sending", submittedAt: new Date().toISOString(), prompt: "op" });
    const clipId = `${request.operation.kind}-${operations.length}-of-${request.source.clipId}`;
    return [fileOf(options, clipId, 3, request.format === "mp3" ? "mp3" : "wav")];
  },
  checkSession: async () => ({ valid: true, reason: "", checkedAt: new Date().toISOString() }),
  close: async () => undefined,
};

let config: ProducerConfig;
let service: ProducerService;
let app: ReturnType<typeof createApp>;
let source: Track;
let environment: NodeJS.ProcessEnv;

beforeAll(async () => {
  const dataDir = teardown.tempDir("producer-operations-");
  environment = producerEnvironment({ dataDir }, { PRODUCER_ACCOUNTS: '[{"name":"main"},{"name":"spare"}]' });
  config = loadConfig({ env: environment, configFile: false }).config;
  service = await ProducerService.create({ config, generator });
  teardown.add(() => service.close({ graceMs: 0 }));
  app = createApp({ config, service, storage: new LocalStorage({ dir: config.storage.localDir }) });
  const server = await listenOnSocket(app, config.daemon.socketPath);
  teardown.add(() => closeServer(server));
  const made = await service.generateMusic({ prompt: "the source song", account: "spare", useQueue: false });
  source = (made as { tracks: Track[] }).tracks[0] as Track;
}, 60_000);
afterAll(() => teardown.run());

const postOperation = (body: unknown) =>
  app.request("/v1/operations", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("POST /v1/operations", () => {
  it("runs an extend of a track in direct mode: 200, the tracks with their lineage, on the track's account", async () => {
    const response = await postOperation({
      operation: { kind: "extend", seconds: 30, prompt: "a longer ending" },
      source: { trackId: source.id },
      useQueue: false,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { job: Job; tracks: Track[]; completed: boolean };
    expect(body.completed).toBe(true);
    expect(body.job).toMatchObject({ status: "succeeded", account: "spare" });
    expect(body.tracks[0]).toMatchObject({
      operation: "extend",
      sourceTrackId: source.id,
      sourceClipId: source.clipId,
      account: "spare",
    });
    expect(operations.at(-1)).toMatchObject({
      operation: { kind: "extend", seconds: 30 },
      source: { clipId: source.clipId },
    });
  });

  it("queues one with a Location, followed like a generation", async () => {
    const response = await postOperation({ operation: { kind: "stems" }, source: { clipId: "clip-on-main" } });
    expect(response.status).toBe(202);
    const { jobId } = (await response.json()) as { jobId: string };
    expect(response.headers.get("location")).toBe(`/v1/generations/${jobId}`);
    const job = await service.waitForJob(jobId, { timeoutMs: 60_000 });
    expect(job).toMatchObject({
      status: "succeeded",
      account: "main",
      tracks: [{ operation: "stems", sourceClipId: "clip-on-main" }],
    });
  });

  it("streams an operation job's changes as Server-Sent Events until it ends, as a generation's", async () => {
    const response = await postOperation({
      operation: { kind: "trim", startSecs: 0, endSecs: 1 },
      source: { clipId: "c-sse" },
    });
    const { jobId } = (await response.json()) as { jobId: string };
    const events = await app.request(`/v1/generations/${jobId}/events`);
    expect(events.headers.get("content-type")).toMatch(/text\/event-stream/);
    // The stream ends once the job has.
    const jobs = (await events.text())
      .split("\n")
      .filter((line) => line.startsWith("data: "))
      .map((line) => JSON.parse(line.slice(6)) as Job);
    expect(jobs.at(-1)).toMatchObject({
      id: jobId,
      status: "succeeded",
      tracks: [{ operation: "trim", sourceClipId: "c-sse" }],
    });
  });

  it("answers a bad request with 400 and the failing fields, through the one error boundary", async () => {
    const cases: Array<[unknown, string[]]> = [
      [{ operation: { kind: "extend", seconds: 500 }, source: { clipId: "c" } }, ["operation.seconds"]],
      [{ operation: { kind: "speed", factor: 1 }, source: {} }, ["source"]],
      [{ operation: { kind: "dance" }, source: { clipId: "c" } }, ["operation.kind"]],
      [
        { operation: { kind: "trim", startSecs: 0, endSecs: 99 }, source: { trackId: source.id } },
        ["operation.endSecs"],
      ],
      [{ operation: { kind: "stems" }, source: { trackId: "not-a-track" } }, ["source.trackId"]],
    ];
    for (const [body, paths] of cases) {
      const response = await postOperation(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const answer = (await response.json()) as {
        error: { code: string; details: { fields: Array<{ path: string }> } };
      };
      expect(answer.error.code).toBe("INVALID_INPUT");
      expect(answer.error.details.fields.map((field) => field.path)).toEqual(paths);
    }
  });

  it("is in the OpenAPI document, with its body schema", async () => {
    const openapi = (await (await app.request("/openapi.json")).json()) as {
      paths: Record<string, { post?: { description?: string } }>;
      components: { schemas: { CreateOperation: { properties: Record<string, unknown>; required: string[] } } };
    };
    expect(openapi.paths["/v1/operations"]?.post?.description).toMatch(/convert is free/);
    expect(openapi.components.schemas.CreateOperation.required).toEqual(["operation", "source"]);
    expect(Object.keys(openapi.components.schemas.CreateOperation.properties)).toEqual(
      expect.arrayContaining(["operation", "source", "title", "account", "idempotencyKey", "webhookUrl", "wait"]),
    );
  });
});

type Exit = { code: number; stdout: string; stderr: string };
const producer = (...args: string[]) =>
  run(process.execPath, [bin, ...args], { env: environment }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (caught: unknown) => caught as Exit,
  );

describe("the operation commands", () => {
  it("producer extend <track> --seconds 30 --wait --json follows the job and answers its tracks with their lineage", async () => {
    const { code, stdout } = await producer(
      "extend",
      source.id,
      "--seconds",
      "30",
      "--from",
      "1",
      "--prompt",
      "more",
      "--wait",
      "--json",
    );
    expect(code).toBe(0);
    const job = JSON.parse(stdout) as Job;
    expect(job).toMatchObject({
      status: "succeeded",
      input: { operation: { kind: "extend", seconds: 30, fromSecs: 1, prompt: "more" } },
      tracks: [{ operation: "extend", sourceTrackId: source.id }],
    });
  });

  it("producer replace takes each --region; a UUID that is no track of ours is a site clip", async () => {
    const clip = "5f0c2b1e-0000-4000-8000-000000000001";
    const { code, stdout } = await producer(
      "replace",
      clip,
      "--region",
      "1-2",
      "--region",
      "3.5-4",
      "--prompt",
      "a drum fill",
      "--account",
      "spare",
      "--json",
    );
    expect(code).toBe(0);
    const { jobId } = JSON.parse(stdout) as { jobId: string };
    const job = await service.waitForJob(jobId, { timeoutMs: 60_000 });
    expect(job.input).toMatchObject({
      operation: {
        kind: "replace",
        regions: [
          { startSecs: 1, endSecs: 2 },
          { startSecs: 3.5, endSecs: 4 },
        ],
      },
      source: { clipId: clip },
      account: "spare",
    });
    expect(job.input.source?.trackId).toBeUndefined();
  });

  it("cover, speed, trim and convert print the queued job; the daemon's refusal is exit 2 naming the field", async () => {
    for (const args of [
      ["cover", "c1", "--prompt", "as jazz", "--strength", "0.3"],
      ["speed", "c1", "--factor", "0.9", "--semitones", "-2"],
      ["trim", "c1", "--start", "1", "--end", "2"],
      ["convert", "c1", "--format", "mp3"],
      ["stems", "c1"],
    ]) {
      const { code, stdout } = await producer(...args);
      expect(code, args.join(" ")).toBe(0);
      expect(stdout).toMatch(/^queued [0-9a-f-]{36}/);
      if (args[0] === "speed") {
        const job = await service.getJob(stdout.split(" ")[1] as string);
        expect(job.input.operation).toEqual({ kind: "speed", factor: 0.9, semitones: -2 });
      }
    }
    const refused = await producer("speed", "c1", "--factor", "3");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/INVALID_INPUT.*operation\.factor/);
    const badRegion = await producer("replace", "c1", "--region", "later", "--prompt", "x");
    expect(badRegion.code).toBe(2);
    expect(badRegion.stderr).toMatch(/--region takes START-END/);
    const noSource = await producer("stems");
    expect(noSource.code).toBe(2);
  });

  it("every operation answers --help with its usage and its cost", async () => {
    for (const kind of ["extend", "replace", "cover", "stems", "trim", "speed", "convert"]) {
      const { code, stdout } = await producer(kind, "--help");
      expect(code).toBe(0);
      expect(stdout).toContain(`producer ${kind} <track|clip>`);
    }
    expect((await producer("convert", "--help")).stdout).toMatch(/free/);
  });
});

describe("the operate_song MCP tool", () => {
  it("runs an operation as a job and answers its tracks with their lineage; a bad input is a tool error naming the field", async () => {
    const server = createMcpServer({ producer: service, accounts: async () => [], site: config.site, version: "test" });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: "operations-test", version: "1.0.0" });
    await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
    teardown.add(() => client.close());
    const before = operations.length;
    const done = (await client.callTool({
      name: "operate_song",
      arguments: { operation: { kind: "convert", format: "mp3" }, source: { trackId: source.id }, waitSecs: 60 },
    })) as unknown as {
      isError?: boolean;
      structuredContent: { done: boolean; tracks: Array<Record<string, unknown>> };
    };
    expect(done.isError).toBeFalsy();
    expect(done.structuredContent.done).toBe(true);
    expect(done.structuredContent.tracks[0]).toMatchObject({
      operation: "convert",
      sourceTrackId: source.id,
      sourceClipId: source.clipId,
      format: "mp3",
    });
    expect(operations.length - before).toBe(1);
    expect(operations.at(-1)).toMatchObject({ operation: { kind: "convert", format: "mp3" }, format: "mp3" });

    const refused = (await client.callTool({
      name: "operate_song",
      arguments: { operation: { kind: "cover", prompt: "x", strength: 7 }, source: { clipId: "c" } },
    })) as unknown as { isError?: boolean; content: Array<{ text: string }> };
    expect(refused.isError).toBe(true);
    expect(refused.content[0]?.text).toMatch(/strength/);
  });
});
