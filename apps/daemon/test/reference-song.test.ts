import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { ProducerClient, type Job } from "@producer/core/client";
import { synthesizeWav } from "@producer/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, startTestDaemon, type TestDaemon } from "./process-harness.js";

const run = promisify(execFile);
const TOKEN = "reference-test-token-0123456789";
let daemon: TestDaemon;
let folder: string;

beforeAll(async () => {
  daemon = await startTestDaemon({
    name: "reference",
    token: TOKEN,
    simulator: { songDurationSecs: [2, 3], uploadCheckMs: 300 },
  });
  folder = await fs.mkdtemp(path.join(os.tmpdir(), "reference-daemon-"));
}, 120_000);
afterAll(async () => {
  await daemon?.close();
  if (folder) await fs.rm(folder, { recursive: true, force: true });
});

const flow = () => daemon.site.stats.flow;

describe("a new song with your own audio as its reference, through the CLI, HTTP and MCP", () => {
  it("producer generate --reference <file>: uploaded once with its vocals kept, one chat about that clip, the songs stored", async () => {
    daemon.site.faults.set("upload-vocals", { times: 1 });
    const file = path.join(folder, "hummed.wav");
    await fs.writeFile(file, synthesizeWav({ seed: "hummed tune", durationSecs: 1.5 }));
    const { stdout, stderr } = await run(
      process.execPath,
      [bin, "generate", "a brass band", "--reference", file, "--instrumental", "--wait", "--json"],
      { env: daemon.env },
    );
    const clipId = /as clip (\S+)/.exec(stderr)?.[1];
    expect(clipId).toEqual(expect.any(String));
    expect(flow().uploads).toBe(1);
    expect(flow().uploadConfirms).toBe(1);
    const job = JSON.parse(stdout) as Job;
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
    expect(flow().chatsAboutSongs).toEqual([
      {
        content:
          "Make a song with my uploaded audio as the reference track. Sound: a brass band\nInstrumental, no vocals.",
        clipId,
        songQueue: [clipId],
      },
    ]);
    for (const track of job.tracks) {
      expect(track).toMatchObject({ operation: "reference", sourceClipId: clipId });
      expect(track.sha256).toBe(daemon.site.servedSha256(String(track.clipId), "wav"));
    }
  }, 180_000);

  it("HTTP takes referenceClipId, refusing a seed beside it with 400; MCP's generate_music offers the field", async () => {
    const client = new ProducerClient({ baseUrl: daemon.baseUrl, token: TOKEN });
    const clipId = flow().chatsAboutSongs[0]?.clipId as string;
    const chats = flow().chatMessages.length;
    await expect(client.generateMusic({ prompt: "x", referenceClipId: clipId, seed: 3 })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    expect(flow().chatMessages.length).toBe(chats);
    const queued = await client.generateMusic({ prompt: "as a lullaby", referenceClipId: clipId });
    const job = await client.waitForJob(queued.jobId, { timeoutMs: 90_000 });
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
    expect(flow().chatsAboutSongs.at(-1)).toMatchObject({ clipId });

    const mcp = new Client({ name: "reference-test", version: "1.0.0" });
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL("/mcp", daemon.baseUrl), {
        requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
      }),
    );
    try {
      const { tools } = await mcp.listTools();
      const generate = tools.find((tool) => tool.name === "generate_music");
      expect(Object.keys(generate?.inputSchema.properties ?? {})).toContain("referenceClipId");
      const refused = (await mcp.callTool({
        name: "generate_music",
        arguments: { prompt: "x", referenceClipId: "../nope" },
      })) as CallToolResult;
      expect(refused.isError).toBe(true);
    } finally {
      await mcp.close();
    }
  }, 180_000);
});
