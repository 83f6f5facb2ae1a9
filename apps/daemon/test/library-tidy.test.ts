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
let made: Job;

beforeAll(async () => {
  stack = await createSiteStack({ name: "library-tidy", simulator: { songDurationSecs: [2, 3], generationMs: 0 } });
  teardown.add(stack.close);
  stack.site.seedLibrary(undefined, 1);
  env = processEnvironment(stack, { PRODUCER_DAEMON_SHUTDOWN_GRACE_MS: "2000", PRODUCER_SITE_SUBMIT: "api" });
  const { child } = await startDaemonProcess(env);
  teardown.add(() => stopProcess(child));
  client = new ProducerClient({ socketPath: loadConfig({ env, configFile: false }).config.daemon.socketPath });
  const { jobId } = (await client.generateMusic({ prompt: "tidy me", title: "Tidy me" })) as { jobId: string };
  made = await client.waitForJob(jobId, { timeoutMs: 90_000 });
}, 180_000);
afterAll(() => teardown.run());

const producer = async (...args: string[]) => (await run(process.execPath, [bin, ...args], { env })).stdout;
const clip = (id: string | null) => stack.site.flowClips().find((candidate) => candidate.id === id);
const library = () => ({ ...stack.site.stats.flow.library });

describe("producer library rename|privacy|delete|cleanup on a daemon driving the site", () => {
  it("renames and sets privacy with one PATCH each; delete without --yes deletes nothing", async () => {
    expect(made.status).toBe("succeeded");
    const [first, second] = made.tracks.map((track) => track.clipId as string) as [string, string];
    expect(await producer("library", "rename", first, "A", "new", "name")).toContain(`${first}: now "A new name"`);
    expect(clip(first)?.title).toBe("A new name");
    const out = await producer("library", "privacy", first, second, "--set", "private");
    expect(out).toContain(`${first}: private`);
    expect([clip(first)?.privacy, clip(second)?.privacy]).toEqual(["private", "private"]);
    expect(await producer("library", "delete", first)).toContain("nothing was deleted");
    expect(library()).toMatchObject({ renames: 1, privacyChanges: 2, deletes: 0 });
  }, 60_000);

  it("cleanup: the dry run lists producer's songs and conversation and deletes nothing; --yes deletes only those", async () => {
    const ours = made.tracks.map((track) => track.clipId as string);
    const outside = stack.site.flowClips().find((candidate) => candidate.title.startsWith("Archive Song"));
    const dry = await producer("library", "cleanup", "--conversations");
    expect(dry).toContain("would delete 2 songs and 1 conversation");
    for (const id of ours) expect(dry).toContain(`song ${id}`);
    expect(dry).not.toContain(outside?.id as string);
    expect(library()).toMatchObject({ deletes: 0, conversationsDeleted: 0 });
    expect(stack.site.flowConversations()).toHaveLength(1);

    const applied = await producer("library", "cleanup", "--conversations", "--yes", "--json");
    const { result } = JSON.parse(applied) as { result: { dryRun: boolean; deleted: unknown } };
    expect(result).toMatchObject({ dryRun: false, deleted: { songs: 2, conversations: 1 } });
    expect(ours.map((id) => clip(id)?.deleted)).toEqual([true, true]);
    expect(clip(outside?.id as string)?.deleted).toBe(false);
    expect(stack.site.flowConversations()).toEqual([]);
    expect(library()).toMatchObject({ deletes: 2, conversationsDeleted: 1 });
    expect(await producer("library", "cleanup", "--conversations")).toContain(
      "would delete 0 songs and 0 conversations",
    );
  }, 60_000);

  it("--help of each subcommand names its options", async () => {
    expect(await producer("library", "cleanup", "--help")).toContain("--older-than D");
    expect(await producer("library", "privacy", "--help")).toContain("--set public|unlisted|private");
  });
});
