import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { CallToolResult, Progress } from "@modelcontextprotocol/sdk/types.js";
import { synthesizeWav, withSettings } from "@producer/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, startTestDaemon, type TestDaemon } from "./process-harness.js";

// The MCP server, driven by the SDK's own client over both transports, against a real daemon and the simulator.

const TOKEN = "mcp-test-token-0123456789";
let daemon: TestDaemon;

beforeAll(async () => {
  daemon = await startTestDaemon({ name: "mcp", token: TOKEN, simulator: { generationMs: 1500 } });
}, 60_000);
afterAll(() => daemon?.close());

const httpTransport = (token: string | undefined = TOKEN) =>
  new StreamableHTTPClientTransport(new URL("/mcp", daemon.baseUrl), {
    requestInit: { headers: token ? { authorization: `Bearer ${token}` } : {} },
  });

const stdioTransport = () =>
  new StdioClientTransport({
    command: process.execPath,
    args: [bin, "mcp"],
    env: daemon.env as Record<string, string>,
    stderr: "pipe",
  });

async function connect(transport: Transport): Promise<Client> {
  const client = new Client({ name: "producer-test-agent", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

type Structured = Record<string, unknown>;
const structured = (result: unknown) => (result as CallToolResult).structuredContent as Structured;
const text = (result: unknown) => ((result as CallToolResult).content[0] as { text: string }).text;

/** An agent's round trip: generate, wait (with progress), list the tracks, read one. */
async function roundTrip(client: Client, prompt: string) {
  const submissionsBefore = daemon.site.stats.generations;
  const queued = await client.callTool({
    name: "generate_music",
    arguments: { prompt, title: "Agent Song", projectId: "agents" },
  });
  expect(queued.isError).toBeFalsy();
  const { jobId, position } = structured(queued) as { jobId: string; position: number };
  expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
  expect(position).toBeGreaterThanOrEqual(1);

  const progress: Progress[] = [];
  const waited = await client.callTool(
    { name: "wait_for_generation", arguments: { jobId, timeoutSecs: 60 } },
    undefined,
    {
      onprogress: (update) => progress.push(update),
      timeout: 90_000,
    },
  );
  const job = structured(waited) as {
    done: boolean;
    status: string;
    tracks: Array<{ trackId: string; sha256: string; durationSecs: number; audioPath: string }>;
  };
  expect(job).toMatchObject({ done: true, status: "succeeded" });
  expect(job.tracks).toHaveLength(2);
  expect(progress.length).toBeGreaterThanOrEqual(1);
  for (let index = 1; index < progress.length; index += 1)
    expect(progress[index]?.progress).toBeGreaterThan(progress[index - 1]?.progress as number);
  expect(progress.map((update) => update.message).join(" | ")).toMatch(/generating|downloading|uploading/);

  const listed = structured(await client.callTool({ name: "list_tracks", arguments: { jobId } })) as {
    tracks: Array<{ trackId: string }>;
  };
  expect(listed.tracks.map((track) => track.trackId).sort()).toEqual(job.tracks.map((track) => track.trackId).sort());

  const first = job.tracks[0] as { trackId: string; sha256: string };
  const track = structured(await client.callTool({ name: "get_track", arguments: { trackId: first.trackId } })) as {
    sha256: string;
    format: string;
    durationSecs: number;
    sampleRate: number;
    url: string;
    audioPath: string;
  };
  expect(track).toMatchObject({ sha256: first.sha256, format: "wav", audioPath: `/v1/tracks/${first.trackId}/audio` });
  expect(track.durationSecs).toBeGreaterThan(0.5);
  expect(track.url).toMatch(/producer-mcp/);
  // One request, one submission.
  expect(daemon.site.stats.generations - submissionsBefore).toBe(1);
  return { jobId, track };
}

describe("the MCP server at /mcp (Streamable HTTP)", () => {
  it("lists the fifteen tools, each with an input schema, saying what it costs", async () => {
    const client = await connect(httpTransport());
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(
      [
        "account_status",
        "cancel_generation",
        "create_image",
        "describe_song",
        "generate_music",
        "get_generation",
        "get_track",
        "list_tracks",
        "operate_song",
        "retry_generation",
        "wait_for_generation",
        "write_lyrics",
        "upload_audio",
        "tidy_song",
        "delete_from_library",
      ].sort(),
    );
    const generate = tools.find((tool) => tool.name === "generate_music");
    expect(generate?.description).toMatch(/Costs 10 credits/);
    expect(Object.keys(generate?.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(["prompt", "title", "projectId", "lyrics", "waitSecs", "idempotencyKey"]),
    );
    expect(generate?.inputSchema.required).toEqual(["prompt"]);
    const operate = tools.find((tool) => tool.name === "operate_song");
    expect(operate?.description).toMatch(
      /extend, replace and cover .* spend about a song's credits \(5 per song made on the flow-2026 site/,
    );
    expect(operate?.description).toMatch(/convert is free/);
    expect(operate?.inputSchema.required).toEqual(["operation", "source"]);
    expect(tools.find((tool) => tool.name === "create_image")?.description).toMatch(/the site may charge for it/);
    expect(tools.find((tool) => tool.name === "describe_song")?.description).toMatch(/little or nothing/);
    expect(tools.find((tool) => tool.name === "write_lyrics")?.description).toMatch(
      /no source prices the lyrics tools/,
    );
    for (const tool of tools.filter(
      (one) => !["generate_music", "operate_song", "create_image", "describe_song", "write_lyrics"].includes(one.name),
    ))
      expect(tool.description).toMatch(/^Free\b|Cancels/);
    expect(client.getInstructions()).toMatch(/wait_for_generation/);
    await client.close();
  });

  it("upload_audio with keepVocals: the site confirms the song with its vocals, nothing removed", async () => {
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), "mcp-upload-"));
    const client = await connect(httpTransport());
    try {
      const file = path.join(folder, "sung.wav");
      await fs.writeFile(file, synthesizeWav({ seed: "an agent's own song", durationSecs: 1 }));
      daemon.site.faults.set("upload-vocals", { times: 1 });
      const { uploadConfirms, vocalRemovals } = daemon.site.stats.flow;
      const kept = await client.callTool({ name: "upload_audio", arguments: { path: file, keepVocals: true } });
      expect(kept.isError).toBeFalsy();
      expect(structured(kept)).toMatchObject({ hasVocals: true, vocalsKept: true, vocalsRemoved: false });
      expect(text(kept)).toMatch(/\(vocals kept\)/);
      expect(daemon.site.stats.flow.uploadConfirms).toBe(uploadConfirms + 1);
      expect(daemon.site.stats.flow.vocalRemovals).toBe(vocalRemovals);
    } finally {
      await client.close();
      await fs.rm(folder, { recursive: true, force: true });
    }
  }, 60_000);

  it("does an agent's round trip: generate, wait with progress, list the tracks, read one", async () => {
    const client = await connect(httpTransport());
    const { track } = await roundTrip(client, "agent over http");
    // The daemon serves the song at the audio URL it gave, behind the same token.
    const url = new URL(track.audioPath, daemon.baseUrl);
    const audio = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(audio.status).toBe(200);
    expect(audio.headers.get("accept-ranges")).toBe("bytes");
    const whole = Buffer.from(await audio.arrayBuffer());
    expect(createHash("sha256").update(whole).digest("hex")).toBe(track.sha256);
    // A player seeks with byte ranges.
    const head = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}`, range: "bytes=0-43" } });
    expect(head.status).toBe(206);
    expect(head.headers.get("content-range")).toBe(`bytes 0-43/${whole.length}`);
    expect(Buffer.from(await head.arrayBuffer())).toEqual(whole.subarray(0, 44));
    const tail = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}`, range: "bytes=-100" } });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(whole.subarray(whole.length - 100));
    const past = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}`, range: `bytes=${whole.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe(`bytes */${whole.length}`);
    await client.close();
  }, 120_000);

  it("answers a bounded wait with the state so far, and cancels a queued job without submitting it", async () => {
    const client = await connect(httpTransport());
    const before = daemon.site.stats.generations;
    try {
      await withSettings(daemon.site.settings, { generationMs: 6000 }, async () => {
        const running = structured(
          await client.callTool({ name: "generate_music", arguments: { prompt: "slow one" } }),
        ) as { jobId: string };
        const queued = structured(
          await client.callTool({ name: "generate_music", arguments: { prompt: "never sent" } }),
        ) as { jobId: string; position: number };
        const started = Date.now();
        const waited = structured(
          await client.callTool({ name: "wait_for_generation", arguments: { jobId: running.jobId, timeoutSecs: 1 } }),
        ) as { done: boolean; status: string };
        expect(Date.now() - started).toBeLessThan(5000);
        expect(waited.done).toBe(false);
        expect(["queued", "generating", "downloading"]).toContain(waited.status);

        const seen = structured(
          await client.callTool({ name: "get_generation", arguments: { jobId: queued.jobId } }),
        ) as { status: string; position: number; step: string };
        expect(seen).toMatchObject({ status: "queued", position: 1 });
        expect(seen.step).toMatch(/queued \(position 1\)/);
        const cancelled = structured(
          await client.callTool({ name: "cancel_generation", arguments: { jobId: queued.jobId } }),
        ) as { status: string };
        expect(cancelled.status).toBe("cancelled");
        const finished = structured(
          await client.callTool(
            { name: "wait_for_generation", arguments: { jobId: running.jobId, timeoutSecs: 60 } },
            undefined,
            { timeout: 90_000 },
          ),
        ) as { done: boolean; status: string };
        expect(finished).toMatchObject({ done: true, status: "succeeded" });
        expect(daemon.site.stats.generations - before).toBe(1);
        expect(daemon.site.stats.prompts).not.toContain("never sent");
      });
    } finally {
      await client.close();
    }
  }, 120_000);

  it("refuses bad input with a clear tool error and submits nothing; says what the accounts and queue are", async () => {
    const client = await connect(httpTransport());
    const before = daemon.site.stats.generations;
    const refused = await client.callTool({ name: "generate_music", arguments: { prompt: "x".repeat(3001) } });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/at most 3000 characters/);
    expect(text(refused)).not.toMatch(/\n\s+at |ZodError|"code":/);
    const unknown = await client.callTool({
      name: "get_generation",
      arguments: { jobId: "00000000-0000-4000-8000-000000000000" },
    });
    expect(unknown.isError).toBe(true);
    expect(structured(unknown)).toMatchObject({ error: { code: "NOT_FOUND" } });
    expect(daemon.site.stats.generations).toBe(before);

    const status = structured(await client.callTool({ name: "account_status", arguments: {} })) as {
      accounts: Array<{ name: string; signedIn: boolean; credits: number | null }>;
      queue: { queueDepth: number; paused: unknown };
    };
    expect(status.accounts).toHaveLength(1);
    expect(status.accounts[0]).toMatchObject({ name: "default", signedIn: true });
    expect(typeof status.accounts[0]?.credits).toBe("number");
    expect(status.queue.paused).toBeNull();
    await client.close();
  }, 60_000);

  it("is behind the daemon's token", async () => {
    await expect(connect(httpTransport("wrong-token-0123456789"))).rejects.toThrow(/401|Unauthorized/i);
    await expect(connect(httpTransport(""))).rejects.toThrow(/401|Unauthorized/i);
  });
});

describe("producer mcp (stdio)", () => {
  it("starts without a daemon, and each tool says the daemon is not running", async () => {
    const lonely = daemon.teardown.tempDir("producer-mcp-lonely-");
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [bin, "mcp"],
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", PRODUCER_PATHS_DATA_DIR: lonely },
      stderr: "pipe",
    });
    const client = await connect(transport);
    expect((await client.listTools()).tools).toHaveLength(15);
    const answer = await client.callTool({ name: "account_status", arguments: {} });
    expect(answer.isError).toBe(true);
    expect(structured(answer)).toMatchObject({ error: { code: "UNAVAILABLE", retryable: true } });
    await client.close();
  });

  it("serves the same tools through the daemon's client, and does the round trip", async () => {
    const client = await connect(stdioTransport());
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(15);
    await roundTrip(client, "agent over stdio");
    await client.close();
  }, 120_000);
});
