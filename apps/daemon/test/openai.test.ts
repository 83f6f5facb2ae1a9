import { createHash } from "node:crypto";
import OpenAI, { APIError, AuthenticationError, BadRequestError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestDaemon, type TestDaemon } from "./process-harness.js";

// The OpenAI-compatible endpoint, driven by the official `openai` client against a daemon on TCP with a token,
// generating on the simulator.

const TOKEN = "openai-test-token-0123456789";
let daemon: TestDaemon;
let openai: OpenAI;

interface Extension {
  jobId: string;
  status: string;
  completed: boolean;
  tracks: Array<{ id: string; url: string; format: string; sizeBytes: number; sha256: string }>;
}

beforeAll(async () => {
  daemon = await startTestDaemon({
    name: "openai",
    token: TOKEN,
    simulator: { songDurationSecs: [2, 3], generationMs: 1500 },
    // A failed generation ends its job at once, for the failure test.
    env: { PRODUCER_QUEUE_MAX_ATTEMPTS: "1" },
  });
  openai = new OpenAI({ apiKey: TOKEN, baseURL: `${daemon.baseUrl}/openai/v1`, maxRetries: 0, timeout: 120_000 });
}, 60_000);
afterAll(() => daemon?.close());

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** Each markdown link of the answer is downloaded with the token; its bytes are the ones the site served. */
async function expectByteExactSongs(content: string, extension: Extension): Promise<void> {
  const links = [...content.matchAll(/\]\((http:\/\/[^)]+\/v1\/tracks\/([^/]+)\/audio)\)/g)];
  expect(links.length).toBeGreaterThanOrEqual(1);
  expect(links.map((link) => link[2])).toEqual(extension.tracks.map((track) => track.id));
  for (const [, url, trackId] of links) {
    const response = await fetch(url as string, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    const track = (await (
      await fetch(`${daemon.baseUrl}/v1/tracks/${trackId}`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json()) as { clipId: string; format: "wav"; sha256: string; sizeBytes: number };
    expect(sha256(bytes)).toBe(track.sha256);
    expect(sha256(bytes)).toBe(daemon.site.servedSha256(track.clipId, track.format));
    expect(content).toContain(`${track.format}, `);
  }
}

describe("the OpenAI-compatible endpoint, through the official openai client", () => {
  it("lists the models: producer (the default) first", async () => {
    const models = [];
    for await (const model of openai.models.list()) models.push(model);
    expect(models[0]).toMatchObject({ id: "producer", object: "model", owned_by: expect.any(String) });
  });

  it("streams progress as deltas before the song is done, then links to byte-exact audio", async () => {
    const stream = await openai.chat.completions.create({
      model: "producer",
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: "system", content: "You make songs." },
        { role: "user", content: "A calm piano piece for a rainy morning" },
      ],
    });
    const deltas: Array<{ content: string; at: number }> = [];
    let extension: Extension | undefined;
    let finish: string | null = null;
    let usageSeen = false;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) deltas.push({ content: choice.delta.content, at: Date.now() });
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (chunk.usage) usageSeen = true;
      extension ??= (chunk as unknown as { producer?: Extension }).producer;
    }
    expect(finish).toBe("stop");
    expect(usageSeen).toBe(true);
    expect(extension?.status).toBe("succeeded");
    const content = deltas.map((delta) => delta.content).join("");
    expect(content).toMatch(/Queued/);
    expect(content).toMatch(/Generating|Submitted/);
    expect(content).toMatch(/Made \d songs? \(job/);

    const job = (await (
      await fetch(`${daemon.baseUrl}/v1/generations/${extension?.jobId}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      })
    ).json()) as { finishedAt: string };
    // The progress deltas came while the job ran, not all at its end.
    const progress = deltas.filter((delta) => !delta.content.includes("/v1/tracks/"));
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress[0]?.at).toBeLessThan(Date.parse(job.finishedAt));
    await expectByteExactSongs(content, extension as Extension);
  }, 120_000);

  it("answers a non-streamed completion once the songs are stored; a JSON message gives generation fields", async () => {
    const completion = await openai.chat.completions.create(
      {
        model: "producer",
        user: "listener-1",
        messages: [{ role: "user", content: JSON.stringify({ prompt: "An upbeat synth tune", title: "Synth" }) }],
      },
      { headers: { "Idempotency-Key": "synth-once" } },
    );
    expect(completion.object).toBe("chat.completion");
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    const content = completion.choices[0]?.message.content ?? "";
    const extension = (completion as unknown as { producer: Extension }).producer;
    expect(extension).toMatchObject({ status: "succeeded", completed: true });
    await expectByteExactSongs(content, extension);

    // The same user and key find the same job: nothing is generated twice.
    const generations = daemon.site.stats.generations;
    const again = await openai.chat.completions.create(
      {
        model: "producer",
        user: "listener-1",
        messages: [{ role: "user", content: JSON.stringify({ prompt: "An upbeat synth tune", title: "Synth" }) }],
      },
      { headers: { "Idempotency-Key": "synth-once" } },
    );
    expect((again as unknown as { producer: Extension }).producer.jobId).toBe(extension.jobId);
    expect(daemon.site.stats.generations).toBe(generations);
  }, 120_000);

  it("answers with the job id and a link to follow it once max_wait runs out", async () => {
    const completion = await openai.chat.completions.create({
      model: "producer",
      messages: [{ role: "user", content: "A slow ambient drone" }],
      // @ts-expect-error max_wait is this endpoint's own field
      max_wait: 0,
    });
    const extension = (completion as unknown as { producer: Extension }).producer;
    expect(extension.completed).toBe(false);
    expect(completion.choices[0]?.message.content).toContain(`/v1/generations/${extension.jobId}`);
  }, 60_000);

  it("ends a stream whose job fails with an error event the client throws, with our code", async () => {
    daemon.site.faults.set("song-failed");
    try {
      const stream = await openai.chat.completions.create({
        model: "producer",
        stream: true,
        messages: [{ role: "user", content: "A song the site will not make" }],
      });
      const contents: string[] = [];
      const thrown = await (async () => {
        for await (const chunk of stream) contents.push(chunk.choices[0]?.delta.content ?? "");
      })().catch((error: unknown) => error);
      expect(thrown).toBeInstanceOf(APIError);
      expect((thrown as APIError).code).toMatch(/^[A-Z_]+$/);
      expect((thrown as APIError).message).toMatch(/Job [0-9a-f-]{36} failed/);
      expect(contents.join("")).toMatch(/Queued/);
    } finally {
      daemon.site.faults.clear();
    }
  }, 120_000);

  it("refuses a bad request in OpenAI's error shape, with our code and the field", async () => {
    const generations = daemon.site.stats.generations;
    const refused = await openai.chat.completions
      .create({ model: "producer", messages: [{ role: "user", content: JSON.stringify({ prompt: "x", bpm: 5 }) }] })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BadRequestError);
    expect(refused).toMatchObject({ status: 400, code: "INVALID_INPUT", param: "bpm", type: "invalid_request_error" });

    const unknownModel = await openai.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: "a song" }] })
      .catch((error: unknown) => error);
    expect(unknownModel).toMatchObject({ status: 400, code: "INVALID_INPUT", param: "model" });
    const noUser = await openai.chat.completions
      .create({ model: "producer", messages: [{ role: "system", content: "only a system message" }] })
      .catch((error: unknown) => error);
    expect(noUser).toMatchObject({ status: 400, param: "messages" });
    expect(daemon.site.stats.generations).toBe(generations);
  });

  it("answers 401 in OpenAI's shape without the token, and with a wrong one", async () => {
    // The client insists on a key: "no token" is a client whose Authorization header is taken off.
    const sent: Array<string | null> = [];
    const recording: typeof fetch = (url, init) => {
      sent.push(new Headers(init?.headers).get("authorization"));
      return fetch(url, init);
    };
    const clients = [
      new OpenAI({
        apiKey: "unused",
        defaultHeaders: { authorization: null },
        baseURL: `${daemon.baseUrl}/openai/v1`,
        fetch: recording,
      }),
      new OpenAI({ apiKey: "not-the-token", baseURL: `${daemon.baseUrl}/openai/v1` }),
    ];
    for (const client of clients) {
      const refused = await client.models.list().catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(AuthenticationError);
      expect(refused).toMatchObject({ status: 401, code: "UNAUTHORIZED", type: "authentication_error" });
    }
    expect(sent).toEqual([null]);
    const bare = await fetch(`${daemon.baseUrl}/openai/v1/models`);
    expect(bare.status).toBe(401);
    expect(await bare.json()).toMatchObject({ error: { code: "UNAUTHORIZED", type: "authentication_error" } });
    const missing = await openai.get("/nothing-here").catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(APIError);
    expect(missing).toMatchObject({ status: 404, code: "NOT_FOUND" });
  });
});
