import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SHIPPED_PROFILES } from "@producer/config";
import { lyricsIdOf, uuidV5 } from "@producer/utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Job } from "../src/index.js";
import { createStack, type CoreStack } from "./stack.js";

// The shipped profile with one model more than the site lists: known to the profile, unknown to the site.
const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), "profile-"));
const profileFile = path.join(profileDir, "flow-models.json");
const shipped = SHIPPED_PROFILES["flow-2026"];
fs.writeFileSync(
  profileFile,
  JSON.stringify({ ...shipped, name: "flow-models", models: [...shipped.models, { id: "lyria-2", label: "Lyria 2" }] }),
);

let harness: CoreStack;
beforeAll(async () => {
  harness = await createStack({
    simulator: { songDurationSecs: [2, 3], generationMs: 0 },
    config: { site: { profile: profileFile } },
  });
}, 120_000);
afterAll(async () => {
  await harness?.close();
  fs.rmSync(profileDir, { recursive: true, force: true });
});

const runs = (tool: string) => harness.site.stats.flow.toolRuns[tool] ?? 0;
const calls = () => Object.values(harness.site.stats.flow.toolCalls).reduce((sum, count) => sum + count, 0);
const ended = (result: unknown): Promise<Job> =>
  harness.service.waitForJob((result as { jobId: string }).jobId, { timeoutMs: 90_000 });

describe("lyrics through the service, on real parts", () => {
  it("writes and edits lyrics: one call per tool, ids as the app computes them", async () => {
    const written = await harness.service.writeLyrics({ prompt: "a lighthouse keeper's last night" });
    expect(written.result.lyrics).toContain("a lighthouse keeper's last night");
    expect(written.result.lyricsId).toBe(uuidV5(written.result.lyrics));
    expect(runs("lyrics__create")).toBe(1);

    const edited = await harness.service.editLyrics({ lyrics: written.result.lyrics, prompt: "make it hopeful" });
    expect(edited.result.lyrics).not.toBe(written.result.lyrics);
    expect(edited.result.lyricsId).toBe(uuidV5(edited.result.lyrics));
    expect([runs("lyrics__register"), runs("lyrics__edit")]).toEqual([1, 1]);
  });

  it("refuses lyrics with lyricsPrompt, naming the field, before anything is sent", async () => {
    const before = calls();
    await expect(
      harness.service.generateMusic({ prompt: "x", lyrics: "la la", lyricsPrompt: "a love song" }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", fields: [expect.objectContaining({ path: "lyricsPrompt" })] });
    expect(calls()).toBe(before);
  });

  it("a generation with lyricsPrompt writes them once, sings them, keeps them on the job and its tracks — a retry writes none", async () => {
    const writes = runs("lyrics__create");
    harness.site.faults.set("song-failed", { times: 1 });
    const failed = await ended(
      await harness.service.generateMusic({ prompt: "slow folk", lyricsPrompt: "an old boat" }),
    );
    expect(failed.status).toBe("failed");
    expect(runs("lyrics__create")).toBe(writes + 1);
    const lyrics = failed.input.lyrics as string;
    expect(lyrics).toContain("I was thinking of an old boat");
    expect(failed.input).toMatchObject({ lyricsPrompt: "an old boat", title: "An Old Boat" });

    await harness.service.retry(failed.id, { resubmit: true });
    const job = await harness.service.waitForJob(failed.id, { timeoutMs: 90_000 });
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
    expect(runs("lyrics__create")).toBe(writes + 1);
    const sent = harness.site.stats.flow.composeRequests.slice(-2);
    expect(sent.map((request) => request.lyrics)).toEqual([lyrics, lyrics]);
    const body = sent[1]?.body as { part: { args: { lyrics_id: string } } } | undefined;
    expect(body?.part.args.lyrics_id).toBe(lyricsIdOf(lyrics));
    expect(job.tracks.length).toBeGreaterThan(0);
    for (const track of job.tracks) expect(track).toMatchObject({ lyrics, lyricsId: uuidV5(lyrics) });
  }, 180_000);
});

describe("the site's models through the service", () => {
  it("checks --model against the profile until the site's list is read, then against that list, kept 10 minutes", async () => {
    const queued = await harness.service.generateMusic({ prompt: "kept by the profile", model: "lyria-2" });
    await harness.service.cancel((queued as { jobId: string }).jobId);

    const first = await harness.service.listModels();
    expect(first.result).toMatchObject({
      models: [
        { name: "Lyria 3.5", isDefault: true },
        { name: "Lyria 3 Pro", isDefault: false },
      ],
      cached: false,
    });
    const again = await harness.service.listModels();
    expect(again.result).toMatchObject({ cached: true, fetchedAt: first.result.fetchedAt });
    const refreshed = await harness.service.listModels({ refresh: true });
    expect(refreshed.result.cached).toBe(false);

    const before = calls();
    await expect(
      harness.service.generateMusic({ prompt: "gone from the site", model: "lyria-2" }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      fields: [{ path: "model", message: "must be one of lyria-3.5, lyria-3-pro" }],
    });
    expect(calls()).toBe(before);
  });
});
