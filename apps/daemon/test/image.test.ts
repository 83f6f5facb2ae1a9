import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { type Job, ProducerClient } from "@producer/core/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { summarizeTrack } from "../src/mcp/summaries.js";
import { bin, startTestDaemon, type TestDaemon } from "./process-harness.js";
import { launchPageBrowser } from "./status-browser.js";

const run = promisify(execFile);
const TOKEN = "image-test-token-0123456789";
const auth = { headers: { authorization: `Bearer ${TOKEN}` } };
let stack: TestDaemon;
let env: NodeJS.ProcessEnv;
/** The generation made with a cover, for the status page. */
let covered: Job | undefined;

beforeAll(async () => {
  stack = await startTestDaemon({ name: "image-daemon", token: TOKEN, simulator: { songDurationSecs: [2, 3] } });
  env = stack.env;
}, 120_000);
afterAll(() => stack?.close());

const producer = async (...args: string[]) => (await run(process.execPath, [bin, ...args], { env })).stdout;
const imageCalls = () => stack.site.stats.flow.toolCalls.image__create_image ?? 0;
const lastServed = () => stack.site.stats.flow.imagesServed.at(-1)?.sha256;

describe("producer image, on a daemon driving the site", () => {
  it("makes one image and stores the bytes the site served", async () => {
    const calls = imageCalls();
    const stored = JSON.parse(await producer("image", "a lighthouse at dawn", "--aspect", "9:16", "--json")) as {
      key: string;
      format: string;
      sizeBytes: number;
      sha256: string;
    };
    expect(imageCalls() - calls).toBe(1);
    expect(stored).toMatchObject({ format: "jpg", key: expect.stringMatching(/\.jpg$/) });
    expect(stored.sha256).toBe(lastServed());
    const lines = await producer("image", "a harbour at night");
    expect(lines).toMatch(/^image stored: .+\.jpg\n {2}.+\n {2}JPG, \d+ bytes, sha256 [0-9a-f]{64}/);
    expect(imageCalls() - calls).toBe(2);
  }, 60_000);

  it("POST /v1/images makes one and answers where it is stored; a bad aspect is 400, nothing sent", async () => {
    const calls = imageCalls();
    const post = (body: unknown) =>
      fetch(`${stack.baseUrl}/v1/images`, {
        method: "POST",
        headers: { ...auth.headers, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const made = await post({ prompt: "a red kite", aspect: "16:9" });
    expect(made.status).toBe(200);
    const answer = (await made.json()) as { kind: string; result: { sha256: string; format: string } };
    expect(answer).toMatchObject({ kind: "image.create", result: { format: "jpg", sha256: lastServed() } });
    const bad = await post({ prompt: "a red kite", aspect: "4:3" });
    expect(bad.status).toBe(400);
    // The daemon's client has the core's helper too.
    const client = new ProducerClient({ baseUrl: stack.baseUrl, token: TOKEN });
    const { result } = await client.createImage({ prompt: "a blue kite", aspect: "1:1" });
    expect(result).toMatchObject({ format: "jpg", sha256: lastServed() });
    expect(imageCalls() - calls).toBe(2);
  }, 60_000);

  it("refuses an aspect the site lacks with exit 2, nothing sent", async () => {
    const calls = imageCalls();
    const failed = await run(process.execPath, [bin, "image", "a cover", "--aspect", "4:3"], { env }).catch(
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failed).toMatchObject({ code: 2, stderr: expect.stringContaining("aspect") });
    expect(imageCalls()).toBe(calls);
  }, 60_000);

  it("generate --image links one stored cover from each track", async () => {
    const calls = imageCalls();
    const job = JSON.parse(await producer("generate", "a slow waltz", "--image", "--wait", "--json")) as Job;
    covered = job;
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
    expect(imageCalls() - calls).toBe(1);
    const keys = new Set(job.tracks.map((track) => track.imageKey));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(new RegExp(`${job.id}-cover\\.jpg$`));
    // An agent is told where the daemon serves it.
    const [track] = job.tracks;
    expect(summarizeTrack(track as Job["tracks"][number])).toMatchObject({
      imagePath: `/v1/tracks/${track?.id}/image`,
    });
    // The daemon serves it, for the status page's thumbnail: the bytes the site served.
    const response = await fetch(`${stack.baseUrl}/v1/tracks/${job.tracks[0]?.id}/image`, auth);
    expect(response.headers.get("content-type")).toBe("image/jpeg");
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(lastServed());
  }, 120_000);

  it("a track without a cover answers 404 for its image, saying so", async () => {
    const job = JSON.parse(await producer("generate", "no cover here", "--wait", "--json")) as Job;
    const response = await fetch(`${stack.baseUrl}/v1/tracks/${job.tracks[0]?.id}/image`, auth);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      error: { code: "NOT_FOUND", message: expect.stringContaining("none was asked for") },
    });
  }, 120_000);

  it("the status page shows the cover beside its track", async () => {
    const track = covered?.tracks[0];
    if (!track) throw new Error("no generation with a cover ran");
    const browser = await launchPageBrowser(stack.env);
    try {
      const page = await browser.newPage();
      await page.goto(stack.baseUrl);
      await page.getByLabel("The daemon's token").fill(TOKEN);
      await page.keyboard.press("Enter");
      const cover = page.locator(`img.cover[src="/v1/tracks/${track.id}/image"]`);
      await expect.poll(() => cover.count(), { timeout: 15_000 }).toBe(1);
      expect(await cover.getAttribute("alt")).toBe(`Cover of ${track.title}`);
      // The image loaded and decoded: the daemon served real JPEG bytes.
      await expect
        .poll(() => cover.evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth))
        .toBe(16);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
