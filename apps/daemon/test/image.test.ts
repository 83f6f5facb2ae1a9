import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Job } from "@producer/core/client";
import { createTeardown } from "@producer/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, processEnvironment, startDaemonProcess } from "./process-harness.js";
import { createSiteStack, type SiteStack } from "./stack.js";
import { stopProcess } from "./stop-process.js";

const run = promisify(execFile);
const teardown = createTeardown();
let stack: SiteStack;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  stack = await createSiteStack({ name: "image-daemon", simulator: { songDurationSecs: [2, 3] } });
  teardown.add(stack.close);
  env = processEnvironment(stack, { PRODUCER_DAEMON_SHUTDOWN_GRACE_MS: "2000" });
  const { child } = await startDaemonProcess(env);
  teardown.add(() => stopProcess(child));
}, 120_000);
afterAll(() => teardown.run());

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
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
    expect(imageCalls() - calls).toBe(1);
    const keys = new Set(job.tracks.map((track) => track.imageKey));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(new RegExp(`${job.id}-cover\\.jpg$`));
  }, 120_000);
});
