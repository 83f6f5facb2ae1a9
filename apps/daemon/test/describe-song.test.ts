import { execFile } from "node:child_process";
import http from "node:http";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { promisify } from "node:util";
import { loadConfig } from "@producer/config";
import { ProducerClient, type Job, type Track } from "@producer/core/client";
import { createTeardown } from "@producer/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, processEnvironment, startDaemonProcess } from "./process-harness.js";
import { createSiteStack, type SiteStack } from "./stack.js";
import { stopProcess } from "./stop-process.js";

const run = promisify(execFile);
const teardown = createTeardown();
let stack: SiteStack;
let env: NodeJS.ProcessEnv;
let socketPath: string;
let client: ProducerClient;

beforeAll(async () => {
  stack = await createSiteStack({ name: "describe-daemon", simulator: { songDurationSecs: [2, 3] } });
  teardown.add(stack.close);
  env = processEnvironment(stack, { PRODUCER_DAEMON_SHUTDOWN_GRACE_MS: "2000" });
  const { child } = await startDaemonProcess(env);
  teardown.add(() => stopProcess(child));
  socketPath = loadConfig({ env, configFile: false }).config.daemon.socketPath;
  client = new ProducerClient({ socketPath });
}, 120_000);
afterAll(() => teardown.run());

const producer = async (...args: string[]) => (await run(process.execPath, [bin, ...args], { env })).stdout;
/** Calls the site received for `tool` since `before`. */
const calls = () => ({ ...stack.site.stats.flow.toolCalls });
const since = (before: Record<string, number>, tool: string) => (calls()[tool] ?? 0) - (before[tool] ?? 0);
const ids = (tracks: Track[]) => tracks.map((track) => track.id).sort();

/** `POST /v1/describe` over the daemon's socket: its status and JSON answer. */
function postDescribe(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { socketPath, path: "/v1/describe", method: "POST", headers: { "content-type": "application/json" } },
      (response) => {
        let text = "";
        response.on("data", (chunk) => {
          text += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, json: JSON.parse(text) }));
      },
    );
    request.on("error", reject);
    request.end(JSON.stringify(body));
  });
}

describe("producer describe, on a daemon driving the site", () => {
  it("generate --describe keeps caption and lyrics on each track; tracks --search finds the one with the piano intro", async () => {
    const before = calls();
    const piano = JSON.parse(
      await producer(
        "generate",
        "a soft piano intro, then strings",
        "--lyrics",
        "[Verse]\nA piano in the hallway",
        "--format",
        "mp3",
        "--describe",
        "--wait",
        "--json",
      ),
    ) as Job;
    const plain = JSON.parse(await producer("generate", "a lone cello", "--format", "mp3", "--wait", "--json")) as Job;
    expect([piano.status, plain.status]).toEqual(["succeeded", "succeeded"]);
    expect(since(before, "audio__caption")).toBe(2);
    expect(since(before, "audio__transcribe")).toBe(2);
    expect(since(before, "songs__get_metadata")).toBe(2);
    for (const track of piano.tracks) {
      expect(track.caption).toMatch(/^A \d+-second song with vocals titled ".+": a soft piano intro, then strings\.$/);
      expect(track.transcript).toBe("A piano in the hallway");
    }
    const found = JSON.parse(await producer("tracks", "--search", "Piano Intro", "--json")) as { tracks: Track[] };
    expect(ids(found.tracks)).toEqual(ids(piano.tracks));
    const listed = await producer("tracks", "--search", "piano intro");
    for (const track of piano.tracks) expect(listed).toContain(`${track.storage.key}  `);
    expect(listed).toContain(`\n    ${piano.tracks[0]?.caption}\n`);
    expect(ids((await client.listTracks({ search: "hallway" })).tracks)).toEqual(ids(piano.tracks));
    expect((await client.listTracks({ search: "hallway cello" })).tracks).toEqual([]);

    // A track of ours: one call per tool, the answer kept on the track.
    const cello = plain.tracks[0] as Track;
    const asked = calls();
    const described = JSON.parse(await producer("describe", cello.id, "--json")) as Record<string, unknown>;
    expect(since(asked, "audio__caption")).toBe(1);
    expect(since(asked, "audio__transcribe")).toBe(1);
    expect(since(asked, "songs__get_metadata")).toBe(1);
    expect(described).toMatchObject({
      clipId: cello.clipId,
      lyrics: "[Instrumental]",
      model: "Lyria 3.5",
      trackIds: [cello.id],
    });
    expect(described.caption).toMatch(/a lone cello\.$/);
    expect(await client.getTrack(cello.id)).toMatchObject({ caption: described.caption, transcript: "[Instrumental]" });
    expect(ids((await client.listTracks({ search: "instrumental cello" })).tracks)).toEqual([cello.id]);

    // A clip id, as lines; and the friendly HTTP route.
    const lines = await producer("describe", piano.tracks[0]?.clipId as string);
    expect(lines).toMatch(/^caption: A \d+-second song with vocals/m);
    expect(lines).toMatch(/^model: Lyria 3\.5$/m);
    expect(lines).toContain("lyrics:\n  A piano in the hallway\n");
    const http = await postDescribe({ clipId: cello.clipId });
    expect(http).toMatchObject({
      status: 200,
      json: { kind: "song.describe", result: { lyrics: "[Instrumental]", model: "Lyria 3.5" } },
    });
  }, 240_000);

  it("refuses what it cannot describe with the reason and no tool call", async () => {
    const before = calls();
    const missing = await run(process.execPath, [bin, "describe", "no-such-clip"], { env }).catch((error) => error);
    expect(missing).toMatchObject({ code: 1 });
    expect((missing as { stderr: string }).stderr).toMatch(/no song no-such-clip/);
    const usage = await run(process.execPath, [bin, "describe"], { env }).catch((error) => error);
    expect(usage).toMatchObject({ code: 2 });
    const both = await postDescribe({ clipId: "a", trackId: "00000000-0000-4000-8000-000000000000" });
    expect(both).toMatchObject({ status: 400, json: { error: { code: "INVALID_INPUT" } } });
    expect(since(before, "audio__caption") + since(before, "audio__transcribe")).toBe(0);
    expect(since(before, "songs__get_metadata")).toBe(0);
  }, 60_000);

  it("describe_song over MCP (producer mcp on the daemon): one call per tool; list_tracks finds it by its lyrics", async () => {
    const job = JSON.parse(
      await producer(
        "generate",
        "a brass fanfare",
        "--lyrics",
        "Trumpets at the gate",
        "--format",
        "mp3",
        "--wait",
        "--json",
      ),
    ) as Job;
    const track = job.tracks[0] as Track;
    const agent = new Client({ name: "producer-describe-agent", version: "1.0.0" });
    await agent.connect(
      new StdioClientTransport({ command: process.execPath, args: [bin, "mcp"], env: env as Record<string, string> }),
    );
    try {
      const before = calls();
      const described = (await agent.callTool({
        name: "describe_song",
        arguments: { trackId: track.id },
      })) as CallToolResult;
      expect(described.isError).toBeFalsy();
      expect(since(before, "audio__caption")).toBe(1);
      expect(since(before, "audio__transcribe")).toBe(1);
      expect(since(before, "songs__get_metadata")).toBe(1);
      expect(described.structuredContent).toMatchObject({
        lyrics: "Trumpets at the gate",
        model: "Lyria 3.5",
        trackIds: [track.id],
      });
      const found = (await agent.callTool({
        name: "list_tracks",
        arguments: { search: "trumpets gate" },
      })) as CallToolResult;
      const tracks = (found.structuredContent as { tracks: Array<Record<string, unknown>> }).tracks;
      expect(tracks).toEqual([
        expect.objectContaining({ trackId: track.id, transcript: "Trumpets at the gate", caption: expect.any(String) }),
      ]);
    } finally {
      await agent.close();
    }
  }, 180_000);
});
