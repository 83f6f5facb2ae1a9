import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { loadConfig } from "@producer/config";
import { ProducerClient, type Job } from "@producer/core/client";
import { createTeardown } from "@producer/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, processEnvironment, startDaemonProcess } from "./process-harness.js";
import { createSiteStack, type SiteStack } from "./stack.js";
import { stopProcess } from "./stop-process.js";

const run = promisify(execFile);
const teardown = createTeardown();
let stack: SiteStack;
let env: NodeJS.ProcessEnv;
let client: ProducerClient;

beforeAll(async () => {
  stack = await createSiteStack({ name: "library-daemon", simulator: { songDurationSecs: [2, 3] } });
  teardown.add(stack.close);
  stack.site.seedLibrary(undefined, 3);
  env = processEnvironment(stack, { PRODUCER_DAEMON_SHUTDOWN_GRACE_MS: "2000" });
  const { child } = await startDaemonProcess(env);
  teardown.add(() => stopProcess(child));
  client = new ProducerClient({ socketPath: loadConfig({ env, configFile: false }).config.daemon.socketPath });
}, 120_000);
afterAll(() => teardown.run());

const producer = async (...args: string[]) => (await run(process.execPath, [bin, ...args], { env })).stdout;
const toolCalls = () => Object.values(stack.site.stats.flow.toolCalls).reduce((sum, count) => sum + count, 0);
/** The account's songs as the site holds them, newest first. */
const siteSongs = () => stack.site.flowClips().sort((a, b) => b.createdAt - a.createdAt);

describe("producer library and producer import, on a daemon driving the site", () => {
  it("lists the account's songs from the site, page by page, as JSON and as lines", async () => {
    const first = JSON.parse(await producer("library", "--limit", "2", "--json")) as {
      songs: Array<{ clipId: string; title: string; trackId: string | null }>;
    };
    const rest = JSON.parse(await producer("library", "--limit", "5", "--offset", "2", "--json")) as typeof first;
    expect([...first.songs, ...rest.songs].map((song) => song.clipId)).toEqual(siteSongs().map((clip) => clip.id));
    expect(first.songs.every((song) => song.trackId === null)).toBe(true);
    const lines = await producer("library", "--limit", "3");
    for (const clip of siteSongs()) expect(lines).toContain(`${clip.id}  `);
    expect(lines).toMatch(/Archive Song \d+ {2}\(not stored\)/);
  }, 60_000);

  it("imports two songs with 0 tool calls, their stored bytes the served ones; the library then names their tracks", async () => {
    const [newest, second] = siteSongs();
    const calls = toolCalls();
    const credits = stack.site.credits();
    const out = await producer("import", newest?.id as string, second?.id as string, "--wait", "--json");
    const imports = JSON.parse(out) as Array<{ clipId: string; job: Job }>;
    expect(imports.map((entry) => [entry.clipId, entry.job.status])).toEqual([
      [newest?.id, "succeeded"],
      [second?.id, "succeeded"],
    ]);
    expect(toolCalls()).toBe(calls);
    expect(stack.site.credits()).toBe(credits);
    for (const { clipId, job } of imports) {
      const [track] = job.tracks;
      expect(track).toMatchObject({ operation: "import", clipId, sourceClipId: clipId });
      expect(track?.sha256).toBe(stack.site.servedSha256(clipId, track?.format as "wav"));
    }
    const listed = await client.library({ limit: 2 });
    expect(listed.songs.map((song) => song.trackId)).toEqual(imports.map(({ job }) => job.tracks[0]?.id));

    const again = await producer("import", newest?.id as string);
    expect(again).toContain(`${newest?.id}: already stored by job ${imports[0]?.job.id}`);
    expect(toolCalls()).toBe(calls);
  }, 120_000);

  it("refuses a bad page over HTTP and in the CLI with the field named and no stack", async () => {
    const refused = await client.library({ limit: 500 }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: "INVALID_INPUT" });
    const cli = await run(process.execPath, [bin, "library", "--limit", "0"], { env }).catch((error: unknown) => error);
    expect(cli).toMatchObject({ code: 2 });
    expect((cli as { stderr: string }).stderr).toMatch(/limit/);
    expect((cli as { stderr: string }).stderr).not.toMatch(/\n\s+at /);
    const noClip = await run(process.execPath, [bin, "import"], { env }).catch((error: unknown) => error);
    expect(noClip).toMatchObject({ code: 2 });
  }, 60_000);
});
