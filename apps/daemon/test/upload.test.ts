import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { loadConfig } from "@producer/config";
import { ProducerClient, type Job } from "@producer/core/client";
import { createTeardown, synthesizeWav } from "@producer/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, processEnvironment, startDaemonProcess } from "./process-harness.js";
import { createSiteStack, type SiteStack } from "./stack.js";
import { stopProcess } from "./stop-process.js";

const run = promisify(execFile);
const teardown = createTeardown();
let stack: SiteStack;
let env: NodeJS.ProcessEnv;
let client: ProducerClient;
let folder: string;
const wav = synthesizeWav({ seed: "a song of my own", durationSecs: 2 });

beforeAll(async () => {
  stack = await createSiteStack({ name: "upload-daemon", simulator: { songDurationSecs: [2, 3], uploadCheckMs: 300 } });
  teardown.add(stack.close);
  folder = await fs.mkdtemp(path.join(os.tmpdir(), "upload-daemon-"));
  teardown.add(() => fs.rm(folder, { recursive: true, force: true }));
  env = processEnvironment(stack, { PRODUCER_DAEMON_SHUTDOWN_GRACE_MS: "2000" });
  const { child } = await startDaemonProcess(env);
  teardown.add(() => stopProcess(child));
  client = new ProducerClient({ socketPath: loadConfig({ env, configFile: false }).config.daemon.socketPath });
}, 120_000);
afterAll(() => teardown.run());

const producer = async (...args: string[]) => (await run(process.execPath, [bin, ...args], { env })).stdout;
const uploads = () => stack.site.stats.flow.uploads;

describe("producer upload on a daemon driving the site", () => {
  it("uploads a WAV (its bytes served back as the clip's), then producer cover <clip> makes a song of it", async () => {
    const file = path.join(folder, "demo take.wav");
    await fs.writeFile(file, wav);
    const answer = JSON.parse(await producer("upload", file, "--json")) as { clipId: string; format: string };
    expect(answer).toMatchObject({ format: "wav", filename: "demo take.wav", vocalsRemoved: false });
    expect(uploads()).toBe(1);
    const served = await fetch(`${stack.site.storageUrl}/clips/${answer.clipId}.wav`);
    expect(Buffer.from(await served.arrayBuffer()).equals(wav)).toBe(true);

    const renders = stack.site.stats.flow.toolRuns.audio__render_edit ?? 0;
    const job = JSON.parse(
      await producer("cover", answer.clipId, "--prompt", "as a slow jazz ballad", "--wait", "--json"),
    ) as Job;
    expect(job).toMatchObject({ status: "succeeded", tracks: [{ operation: "cover", sourceClipId: answer.clipId }] });
    expect(stack.site.stats.flow.toolRuns.audio__render_edit).toBe(renders + 1);
    for (const track of job.tracks) expect(track.sha256).toBe(stack.site.servedSha256(String(track.clipId), "wav"));
  }, 180_000);

  it("the client sends bytes as multipart; a refusal is UPLOAD_REFUSED with its reason, in the CLI exit 2", async () => {
    stack.site.faults.set("upload-protected", { times: 1 });
    const refused = await client.uploadAudio({ file: wav, filename: "someone else's.wav" }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "UPLOAD_REFUSED", details: { reason: "protected content" } });

    stack.site.faults.set("upload-vocals", { times: 1 });
    const file = path.join(folder, "with vocals.wav");
    await fs.writeFile(file, wav);
    const cli = await run(process.execPath, [bin, "upload", file], { env }).catch((error: unknown) => error);
    expect(cli).toMatchObject({ code: 2 });
    expect((cli as { stderr: string }).stderr).toMatch(/vocals not allowed/);
    expect(stack.site.stats.flow.vocalRemovals).toBe(0);
  }, 120_000);

  it("producer upload --keep-vocals: the site confirms the song with its vocals once, nothing removed", async () => {
    stack.site.faults.set("upload-vocals", { times: 1 });
    const { uploadConfirms, vocalRemovals } = stack.site.stats.flow;
    const file = path.join(folder, "sung take.wav");
    await fs.writeFile(file, wav);
    const answer = JSON.parse(await producer("upload", file, "--keep-vocals", "--json")) as { clipId: string };
    expect(answer).toMatchObject({ hasVocals: true, vocalsKept: true, vocalsRemoved: false });
    expect(stack.site.stats.flow.uploadConfirms).toBe(uploadConfirms + 1);
    expect(stack.site.stats.flow.vocalRemovals).toBe(vocalRemovals);
    const served = await fetch(`${stack.site.storageUrl}/clips/${answer.clipId}.wav`);
    expect(Buffer.from(await served.arrayBuffer()).equals(wav)).toBe(true);

    // Over multipart from the client: both flags are INVALID_INPUT (400), and nothing reaches the site.
    const before = uploads();
    const both = await client.uploadAudio({ file: wav, keepVocals: true, removeVocals: true }).catch((e: unknown) => e);
    expect(both).toMatchObject({ code: "INVALID_INPUT" });
    const cli = await run(process.execPath, [bin, "upload", file, "--keep-vocals", "--remove-vocals"], { env }).catch(
      (error: unknown) => error,
    );
    expect(cli).toMatchObject({ code: 2 });
    expect((cli as { stderr: string }).stderr).toMatch(/--remove-vocals or --keep-vocals, not both/);
    expect(uploads()).toBe(before);
  }, 120_000);

  it("a body over 100 MB is refused by its length, before it is read: 413 INVALID_INPUT", async () => {
    const socketPath = loadConfig({ env, configFile: false }).config.daemon.socketPath;
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(
        {
          socketPath,
          path: "/v1/uploads",
          method: "POST",
          headers: { "content-type": "multipart/form-data; boundary=x", "content-length": String(101 * 1024 * 1024) },
        },
        (response) => {
          let body = "";
          response.on("data", (chunk: Buffer) => {
            body += chunk.toString("utf8");
          });
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      request.on("error", reject);
      request.write("--x\r\n");
      // The rest is never sent: the answer comes from the declared length alone.
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "INVALID_INPUT" } });
  }, 60_000);

  it("a file that is no audio is refused before anything is sent", async () => {
    const before = uploads();
    const text = path.join(folder, "notes.wav");
    await fs.writeFile(text, "words, not a song");
    const cli = await run(process.execPath, [bin, "upload", text], { env }).catch((error: unknown) => error);
    expect(cli).toMatchObject({ code: 2 });
    expect((cli as { stderr: string }).stderr).toMatch(/no WAV, MP3, M4A, FLAC or OGG/);
    expect(uploads()).toBe(before);
  }, 60_000);
});
