import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { loadConfig } from "@producer/config";
import { createPostgresSchema, createTeardown, postgresUrl, synthesizeWav } from "@producer/test-utils";
import pg from "pg";
import {
  CancelledError,
  GenerationMayExistError,
  type GeneratedSong,
  type GenerateOptions,
  type MusicGenerator,
  type OperationRequest,
} from "@producer/utils";
import { afterAll, describe, expect, it } from "vitest";
import { ProducerService, type Job } from "../src/index.js";

const teardown = createTeardown();
afterAll(() => teardown.run());

/** How the fake site behaves on the next operate call. */
type Behaviour = "ok" | "lost-answer" | "hang";

/**
 * A site driver that counts its calls. Paid calls submit (after recording the submission, as the real driver
 * does); resumed calls only fetch. Every song is a real WAV file of its own bytes.
 */
class CountingGenerator implements MusicGenerator {
  generateCalls = 0;
  paidOperations: OperationRequest[] = [];
  resumedOperations: Array<{ request: OperationRequest; clipIds: string[] }> = [];
  next: Behaviour = "ok";

  async generate(request: { prompt: string }, options: GenerateOptions = {}): Promise<GeneratedSong[]> {
    this.generateCalls += 1;
    const clipId = `new-${this.generateCalls}`;
    await options.onSubmission?.({
      state: "sending",
      submittedAt: new Date().toISOString(),
      prompt: request.prompt,
      account: options.account ?? "main",
      clipIds: [clipId],
    });
    return [song(options, 0, clipId, 3)];
  }

  async operate(request: OperationRequest, options: GenerateOptions = {}): Promise<GeneratedSong[]> {
    const clipIds = [`${request.operation.kind}-of-${request.source.clipId}`];
    if (options.resume) {
      this.resumedOperations.push({ request, clipIds: options.resume.clipIds ?? [] });
    } else {
      this.paidOperations.push(request);
      await options.onSubmission?.({
        state: "sending",
        submittedAt: new Date().toISOString(),
        prompt: request.operation.kind,
        account: options.account ?? "main",
        clipIds,
      });
      const behaviour = this.next;
      this.next = "ok";
      if (behaviour === "lost-answer") throw new GenerationMayExistError("The answer to the tool call was lost.");
      if (behaviour === "hang") {
        await new Promise((_resolve, reject) =>
          options.signal?.addEventListener("abort", () => reject(new CancelledError("shutting down")), { once: true }),
        );
      }
    }
    if (request.operation.kind === "stems") {
      return (["vocals", "drums", "bass", "other"] as const).map((stem, index) => ({
        ...song(options, index, `${stem}-of-${request.source.clipId}`, 2),
        stem,
        parentClipId: request.source.clipId,
      }));
    }
    const seconds = request.operation.kind === "extend" ? 3 + request.operation.seconds / 10 : 2;
    return [song(options, 0, clipIds[0] as string, seconds)];
  }

  checkSession = async () => ({ valid: true, reason: "", checkedAt: new Date().toISOString() });
  close = async () => undefined;
}

function song(options: GenerateOptions, index: number, clipId: string, durationSecs: number): GeneratedSong {
  const dir = options.downloadDir as string;
  fs.mkdirSync(dir, { recursive: true });
  const filePath = path.join(dir, `${clipId}.wav`);
  fs.writeFileSync(filePath, synthesizeWav({ seed: clipId, durationSecs, sampleRate: 8000, channels: 1 }));
  return { index, title: `Song ${clipId}`, filePath, format: "wav", clipId };
}

async function startService(
  generator: MusicGenerator | undefined,
  dataDir = teardown.tempDir("producer-ops-"),
  database?: string,
) {
  const { config } = loadConfig({
    env: {},
    configFile: false,
    overrides: {
      paths: { dataDir },
      storage: { driver: "local", localShared: true },
      ...(database ? { database: { url: database } } : {}),
      accounts: [{ name: "main" }, { name: "spare" }],
      queue: { backoffBaseMs: 50, pollIntervalMs: 50 },
      // The webhook test's receiver listens on 127.0.0.1.
      webhooks: { allowPrivateAddresses: true },
    },
  });
  const service = await ProducerService.create({ config, ...(generator ? { generator } : {}) });
  teardown.add(() => service.close({ graceMs: 0 }));
  return { service, dataDir };
}

const jobIdOf = (result: unknown) => (result as { jobId: string }).jobId;

async function madeSong(service: ProducerService, account?: string) {
  const result = await service.generateMusic({ prompt: "a song to work on", ...(account ? { account } : {}) });
  const job = await service.waitForJob(jobIdOf(result), { timeoutMs: 60_000 });
  expect(job.status).toBe("succeeded");
  return job.tracks[0] as Job["tracks"][number];
}

describe("song operations as jobs", () => {
  it("extends one of our tracks with one operate call and records the lineage", async () => {
    const generator = new CountingGenerator();
    const { service } = await startService(generator);
    const source = await madeSong(service, "spare");
    expect(source).toMatchObject({ clipId: "new-1", account: "spare", operation: null, sourceTrackId: null });

    const queued = await service.extend({ trackId: source.id, seconds: 30, prompt: "a longer outro", projectId: "p1" });
    expect(queued).toMatchObject({ status: "queued", reused: false });
    const job = await service.waitForJob(jobIdOf(queued), { timeoutMs: 60_000 });
    expect(job.status).toBe("succeeded");
    // The job runs on the account whose library holds the source.
    expect(job.account).toBe("spare");
    expect(job.input).toMatchObject({
      operation: { kind: "extend", seconds: 30, prompt: "a longer outro" },
      source: { clipId: "new-1", trackId: source.id, title: source.title },
      account: "spare",
    });
    expect(generator.paidOperations).toEqual([
      {
        source: { clipId: "new-1", title: source.title },
        operation: { kind: "extend", seconds: 30, prompt: "a longer outro" },
        format: "wav",
      },
    ]);
    expect(job.tracks).toHaveLength(1);
    const track = job.tracks[0];
    expect(track).toMatchObject({
      operation: "extend",
      sourceTrackId: source.id,
      sourceClipId: "new-1",
      clipId: "extend-of-new-1",
      prompt: "a longer outro",
      projectId: "p1",
      account: "spare",
    });
    // The longer file was stored, not the source's.
    expect(track?.durationSecs).toBeCloseTo(6, 1);
    expect(await service.getTrack(track?.id as string)).toMatchObject({
      operation: "extend",
      sourceTrackId: source.id,
    });
  });

  it("splits a clip's stems in direct mode on the daemon's first account, each stem a track with its lineage", async () => {
    const generator = new CountingGenerator();
    const { service } = await startService(generator);
    const result = await service.stems({ clipId: "site-clip-9", useQueue: false });
    expect(result).toMatchObject({ status: "succeeded", completed: true });
    const tracks = (result as { tracks: Job["tracks"] }).tracks;
    expect(tracks.map((track) => track.stem)).toEqual(["vocals", "drums", "bass", "other"]);
    for (const track of tracks) {
      expect(track).toMatchObject({
        operation: "stems",
        sourceTrackId: null,
        sourceClipId: "site-clip-9",
        parentClipId: "site-clip-9",
        account: "main",
        prompt: "stems of site-clip-9",
      });
    }
    expect(generator.paidOperations).toHaveLength(1);
    expect(generator.generateCalls).toBe(0);
  });

  it("a call whose answer was lost after submission is recoverable, and retry fetches it with 0 new calls", async () => {
    const generator = new CountingGenerator();
    const { service } = await startService(generator);
    generator.next = "lost-answer";
    const queued = await service.cover({ clipId: "c-1", prompt: "as a jazz ballad", strength: 0.4, account: "spare" });
    const failed = await service.waitForJob(jobIdOf(queued), { timeoutMs: 60_000 });
    expect(failed).toMatchObject({ status: "failed", recoverable: true, account: "spare" });
    expect(failed.recovery?.clipIds).toEqual(["cover-of-c-1"]);
    expect(generator.paidOperations).toHaveLength(1);

    await service.retry(failed.id);
    const done = await service.waitForJob(failed.id, { timeoutMs: 60_000 });
    expect(done.status).toBe("succeeded");
    expect(generator.paidOperations).toHaveLength(1);
    expect(generator.resumedOperations).toEqual([
      {
        request: {
          source: { clipId: "c-1" },
          operation: { kind: "cover", prompt: "as a jazz ballad", strength: 0.4 },
          format: "wav",
        },
        clipIds: ["cover-of-c-1"],
      },
    ]);
    expect(done.tracks[0]).toMatchObject({ operation: "cover", sourceClipId: "c-1", clipId: "cover-of-c-1" });
  });

  it("a daemon stopped mid-operation leaves it to the next, which resumes the submission with 0 new calls", async () => {
    const first = new CountingGenerator();
    first.next = "hang";
    const { service, dataDir } = await startService(first);
    const queued = await service.trim({ clipId: "c-2", startSecs: 1, endSecs: 2 });
    const jobId = jobIdOf(queued);
    await expect.poll(async () => (await service.getJob(jobId)).submission?.state, { timeout: 30_000 }).toBe("sending");
    await service.close({ graceMs: 0 });
    expect((await (await startService(undefined, dataDir)).service.getJob(jobId)).status).toBe("queued");

    const second = new CountingGenerator();
    const { service: next } = await startService(second, dataDir);
    const job = await next.waitForJob(jobId, { timeoutMs: 60_000 });
    expect(job.status).toBe("succeeded");
    expect(first.paidOperations).toHaveLength(1);
    expect(second.paidOperations).toHaveLength(0);
    expect(second.resumedOperations).toHaveLength(1);
    expect(job.tracks[0]).toMatchObject({ operation: "trim", sourceClipId: "c-2" });
  });

  it("sends an operation job's webhook when it ends, with its tracks and their lineage", async () => {
    const bodies: string[] = [];
    const receiver = http.createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on("end", () => {
        bodies.push(body);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    teardown.add(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
    const { port } = receiver.address() as { port: number };
    const { service } = await startService(new CountingGenerator());
    const queued = await service.speed({ clipId: "c-hook", factor: 1.5, webhookUrl: `http://127.0.0.1:${port}/hook` });
    await service.waitForJob(jobIdOf(queued), { timeoutMs: 60_000 });
    await expect.poll(() => bodies.length, { timeout: 30_000 }).toBe(1);
    expect(JSON.parse(bodies[0] as string)).toMatchObject({
      type: "job.succeeded",
      job: { id: jobIdOf(queued), status: "succeeded", tracks: [{ operation: "speed", sourceClipId: "c-hook" }] },
    });
  });

  it("refuses what cannot be done before anything is queued", async () => {
    const generator = new CountingGenerator();
    const { service } = await startService(generator);
    const source = await madeSong(service, "main");
    const refusals = [
      service.extend({ trackId: "no-such-track", seconds: 10 }),
      service.trim({ trackId: source.id, startSecs: 0, endSecs: 60 }),
      service.extend({ trackId: source.id, seconds: 10, account: "spare" }),
      service.speed({ clipId: "c", factor: 4 }),
      service.operate({ operation: { kind: "stems" }, source: { clipId: "c" }, account: "nobody" }),
    ].map((call) => call.catch((error: unknown) => error));
    const errors = (await Promise.all(refusals)) as Array<{ code: string; message: string; details: unknown }>;
    for (const error of errors) expect(error.code).toBe("INVALID_INPUT");
    expect(errors[0]?.message).toMatch(/no track no-such-track/);
    expect(errors[1]?.message).toMatch(/inside the song/);
    expect(errors[2]?.message).toMatch(/made on account main/);
    expect(errors[3]?.message).toMatch(/operation.factor must be a number from 0.5 to 2/);
    expect(errors[4]?.message).toMatch(/no account "nobody"/);
    expect((await service.listJobs()).jobs).toHaveLength(1);
    expect(generator.paidOperations).toHaveLength(0);
  });

  it("refuses a track without a site clip id", async () => {
    const generator = new CountingGenerator();
    generator.generate = async (_request, options = {}) => [{ ...song(options, 0, "no-clip", 2), clipId: undefined }];
    const { service } = await startService(generator);
    const source = await madeSong(service);
    await expect(service.stems({ trackId: source.id })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringMatching(/has no site clip id/),
    });
  });

  it("the same idempotency key answers the same operation job, and a different operation is a conflict", async () => {
    const { service } = await startService(new CountingGenerator());
    const first = await service.speed({ clipId: "c", factor: 0.9, idempotencyKey: "speed-1", useQueue: true });
    const again = await service.speed({ clipId: "c", factor: 0.9, idempotencyKey: "speed-1" });
    expect(jobIdOf(again)).toBe(jobIdOf(first));
    await expect(service.speed({ clipId: "c", factor: 1.1, idempotencyKey: "speed-1" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("refuses a convert that came back in another format than asked", async () => {
    // This driver always answers WAV.
    const { service } = await startService(new CountingGenerator());
    const job = await service.waitForJob(jobIdOf(await service.convert({ clipId: "c", format: "mp3" })), {
      timeoutMs: 60_000,
    });
    expect(job).toMatchObject({ status: "failed", error: { code: "AUDIO_INVALID" } });
    expect(job.error?.message).toMatch(/convert to MP3 came back as WAV/);
  });

  it("fails clearly when the site driver cannot run operations", async () => {
    const generator = new CountingGenerator();
    const withoutOperate: MusicGenerator = {
      generate: (request, options) => generator.generate(request, options),
      checkSession: generator.checkSession,
      close: generator.close,
    };
    const { service } = await startService(withoutOperate);
    const queued = await service.convert({ clipId: "c", format: "mp3" });
    const job = await service.waitForJob(jobIdOf(queued), { timeoutMs: 60_000 });
    expect(job).toMatchObject({ status: "failed", recoverable: false, error: { code: "DISABLED" } });
    expect(job.error?.message).toMatch(/cannot convert a song/);
  });
});

describe.skipIf(!postgresUrl)("PostgreSQL: song operations", () => {
  it("keeps the lineage and the source's account, with one operate call", async () => {
    const schema = await createPostgresSchema(pg.Client, "producer_operations");
    teardown.add(schema.drop);
    const generator = new CountingGenerator();
    const { service } = await startService(generator, teardown.tempDir("producer-ops-pg-"), schema.url);
    const source = await madeSong(service, "spare");
    const queued = await service.replace({
      trackId: source.id,
      regions: [{ startSecs: 0.5, endSecs: 1 }],
      prompt: "a drum fill",
    });
    const job = await service.waitForJob(jobIdOf(queued), { timeoutMs: 60_000 });
    expect(job).toMatchObject({ status: "succeeded", account: "spare" });
    expect(job.tracks[0]).toMatchObject({ operation: "replace", sourceTrackId: source.id, sourceClipId: "new-1" });
    expect(generator.paidOperations).toHaveLength(1);
  });
});
