import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { promisify } from "node:util";
import { loadConfig } from "@producer/config";
import type { Job } from "@producer/core/client";
import { createTeardown } from "@producer/test-utils";
import { uuidV5 } from "@producer/utils";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, processEnvironment, startDaemonProcess } from "./process-harness.js";
import { createSiteStack, type SiteStack } from "./stack.js";
import { stopProcess } from "./stop-process.js";

const run = promisify(execFile);
const teardown = createTeardown();
let stack: SiteStack;
let env: NodeJS.ProcessEnv;
let socketPath: string;

beforeAll(async () => {
  stack = await createSiteStack({ name: "lyrics-daemon", simulator: { songDurationSecs: [2, 3], generationMs: 0 } });
  teardown.add(stack.close);
  env = processEnvironment(stack, { PRODUCER_DAEMON_SHUTDOWN_GRACE_MS: "2000" });
  const { child } = await startDaemonProcess(env);
  teardown.add(() => stopProcess(child));
  socketPath = loadConfig({ env, configFile: false }).config.daemon.socketPath;
}, 120_000);
afterAll(() => teardown.run());

/** `producer …`: its exit code, stdout and stderr (a failing command resolves too). */
async function producer(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
const runs = (tool: string) => stack.site.stats.flow.toolRuns[tool] ?? 0;

/** A JSON request over the daemon's socket: its status and answer. */
function request(method: string, url: string, body?: unknown): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const sent = http.request(
      { socketPath, path: url, method, headers: { "content-type": "application/json" } },
      (response) => {
        let text = "";
        response.on("data", (chunk) => {
          text += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, json: JSON.parse(text) }));
      },
    );
    sent.on("error", reject);
    sent.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe("producer lyrics and producer models, on a daemon driving the site", () => {
  it("writes lyrics, rewrites them from a file, and over HTTP: one call per tool each time", async () => {
    const written = await producer("lyrics", "a night train to the coast", "--json");
    expect(written.code, written.stderr).toBe(0);
    const { title, lyrics, lyricsId } = JSON.parse(written.stdout) as Record<string, string>;
    expect(title).toBe("A Night Train To");
    expect(lyricsId).toBe(uuidV5(lyrics as string));
    expect(runs("lyrics__create")).toBe(1);

    const file = path.join(stack.dataDir, "song.txt");
    fs.writeFileSync(file, lyrics as string);
    const edited = await producer("lyrics", "edit", `@${file}`, "--prompt", "end on the platform");
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stdout).toContain("(rewritten: end on the platform)");
    expect(edited.stdout).toMatch(/lyrics id [0-9a-f-]{36}/);
    expect([runs("lyrics__register"), runs("lyrics__edit")]).toEqual([1, 1]);

    const viaHttp = await request("POST", "/v1/lyrics", { prompt: "a kite in march" });
    expect(viaHttp).toMatchObject({
      status: 200,
      json: { kind: "lyrics.write", result: { title: "A Kite In March" } },
    });
    const refused = await request("POST", "/v1/lyrics", { prompt: "" });
    expect(refused.status).toBe(400);
    expect(runs("lyrics__create")).toBe(2);
  }, 90_000);

  it("write_lyrics over MCP writes, and rewrites given lyrics: one call per tool", async () => {
    const agent = new Client({ name: "lyrics-test-agent", version: "1.0.0" });
    await agent.connect(
      new StdioClientTransport({ command: process.execPath, args: [bin, "mcp"], env: env as Record<string, string> }),
    );
    try {
      const before = [runs("lyrics__create"), runs("lyrics__register"), runs("lyrics__edit")];
      const written = (await agent.callTool({
        name: "write_lyrics",
        arguments: { prompt: "paper boats" },
      })) as CallToolResult;
      const result = written.structuredContent as { lyrics: string; lyricsId: string };
      expect(result.lyricsId).toBe(uuidV5(result.lyrics));
      const edited = (await agent.callTool({
        name: "write_lyrics",
        arguments: { prompt: "slower", lyrics: result.lyrics },
      })) as CallToolResult;
      expect((edited.content[0] as { text: string }).text).toContain("(rewritten: slower)");
      expect([runs("lyrics__create"), runs("lyrics__register"), runs("lyrics__edit")]).toEqual(
        before.map((count) => count + 1),
      );
    } finally {
      await agent.close();
    }
  }, 60_000);

  it("lists the models with their age; --model outside the list is refused with the choices", async () => {
    const first = await producer("models", "--json");
    expect(JSON.parse(first.stdout)).toMatchObject({
      models: [
        { name: "Lyria 3.5", isDefault: true },
        { name: "Lyria 3 Pro", isDefault: false },
      ],
      cached: false,
    });
    const kept = await producer("models");
    expect(kept.stdout).toContain("Lyria 3.5  (default)");
    expect(kept.stdout).toMatch(/listed by the site just now \(.*, kept\)/);
    expect((await request("GET", "/v1/models?refresh=true")).json.result.cached).toBe(false);

    const songs = runs("audio__create_song");
    const wrong = await producer("generate", "a song", "--model", "lyria-9");
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("model must be one of lyria-3.5, lyria-3-pro");
    expect(runs("audio__create_song")).toBe(songs);
  }, 60_000);
});

describe("producer generate --batch", () => {
  it("queues one job per good line, names each bad line, follows the batch; a rerun with the same prefix queues nothing", async () => {
    const file = path.join(stack.dataDir, "batch.jsonl");
    fs.writeFileSync(
      file,
      [
        "a calm river at dawn",
        '{"prompt": "night drive", "lyricsPrompt": "neon on wet streets"}',
        "",
        '{"prompt": "too fast", "bpm": 900}',
        "{not json",
      ].join("\n"),
    );
    const songs = runs("audio__create_song");
    const lyricsWritten = runs("lyrics__create");
    const batch = await producer(
      "generate",
      "--batch",
      file,
      "--format",
      "mp3",
      "--idempotency-prefix",
      "b1",
      "--wait",
    );
    expect(batch.code).toBe(1);
    expect(batch.stdout).toMatch(/^line 1: queued \S+$/m);
    expect(batch.stdout).toMatch(/^line 2: queued \S+$/m);
    expect(batch.stdout).toMatch(/^line 4: INVALID_INPUT — .*bpm/m);
    expect(batch.stdout).toMatch(/^line 5: INVALID_INPUT — the line is not valid JSON/m);
    expect(batch.stdout).toContain("queued 2 of 4 lines (2 refused)");
    expect(batch.stdout).toMatch(/^line 1: succeeded \S+ \(2 tracks\)$/m);
    expect(batch.stdout).toMatch(/^line 2: succeeded \S+ \(2 tracks\)$/m);
    expect(batch.stdout).toContain("batch done: 2 succeeded, 0 failed, 2 refused");
    expect(runs("audio__create_song")).toBe(songs + 2);
    expect(runs("lyrics__create")).toBe(lyricsWritten + 1);

    const again = await producer(
      "generate",
      "--batch",
      file,
      "--idempotency-prefix",
      "b1",
      "--format",
      "mp3",
      "--json",
    );
    const lines = (JSON.parse(again.stdout) as { lines: Array<{ line: number; jobId?: string }> }).lines;
    const firstIds = [...batch.stdout.matchAll(/^line (\d): queued (\S+)$/gm)].map((match) => [
      Number(match[1]),
      match[2],
    ]);
    expect(lines.filter((line) => line.jobId).map((line) => [line.line, line.jobId])).toEqual(firstIds);
    expect(runs("audio__create_song")).toBe(songs + 2);
    const job = (await request("GET", `/v1/generations/${firstIds[1]?.[1]}`)).json as Job;
    expect(job.tracks[0]).toMatchObject({ lyrics: job.input.lyrics, lyricsId: uuidV5(job.input.lyrics as string) });
  }, 180_000);
});
