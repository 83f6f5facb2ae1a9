import fs from "node:fs";
import { ProducerError, readAudioFacts, sha256File, type GeneratedSong, type SubmissionRecord } from "@producer/utils";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createHarness, timed, type Harness } from "./harness.js";

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness({ simulator: { slowExportMs: 8000 } });
  await harness.session.start();
});
afterAll(() => harness?.close());
beforeEach(() => {
  harness.site.faults.clear();
  harness.site.resetStats();
  harness.site.setCredits(500);
  harness.site.settings.generationMs = 0;
});

const calls = () => harness.site.stats.flow.generationCalls["producer@example.test"] ?? 0;
const started = () => harness.site.stats.flow.generationsStarted["producer@example.test"] ?? 0;

/** Every stored song is byte-equal to what the site served for that very song, and no two are the same. */
async function expectExactSongs(songs: GeneratedSong[]): Promise<void> {
  const hashes = new Set<string>();
  for (const song of songs) {
    const sha = await sha256File(song.filePath);
    expect(sha, `song ${song.index + 1}`).toBe(harness.site.servedSha256(song.clipId as string, song.format));
    hashes.add(sha);
  }
  expect(hashes.size).toBe(songs.length);
}

describe("the 2026 Flow app, driven with its own controls and traffic", () => {
  it("composes with every control, reads the songs from the page's traffic and downloads each by keyboard", async () => {
    const records: SubmissionRecord[] = [];
    const songs = await harness.session.generate(
      { prompt: "Create a happy pop song", title: "My New Song", format: "wav", bpm: 120, seed: 42, durationSecs: 95, model: "lyria-3-pro", lyrics: "la la la" },
      { onSubmission: async (record) => void records.push(record) },
    );
    expect(songs).toHaveLength(2);
    await expectExactSongs(songs);
    for (const song of songs) {
      expect(song.title).toBe("My New Song");
      expect(song.model).toBe("lyria-3-pro");
      expect(song.creditsCharged).toBe(5);
      expect(song.siteDurationSecs).toBe(95);
      expect((await readAudioFacts(song.filePath)).durationSecs).toBeCloseTo(95, 0);
    }
    expect(harness.site.stats.flow.composeRequests).toEqual([
      { sound_prompt: "Create a happy pop song", lyrics: "la la la", instrumental: false, model: "lyria-3-pro", title: "My New Song", bpm: 120, length: "1:35", seed: 42 },
    ]);
    expect(calls()).toBe(1);
    expect(harness.site.stats.served.every((entry) => entry.via === "menu")).toBe(true);
    expect(records[0]).toMatchObject({ state: "sending", prompt: "Create a happy pop song", creditsBefore: 500 });
    expect(records.at(-1)).toMatchObject({ state: "accepted", clipIds: songs.map((song) => song.clipId), creditsAfter: 490 });
    expect(records.at(-1)?.siteJobId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("sets every control again, because the panel keeps the last generation's values", async () => {
    await harness.session.generate({ prompt: "first", title: "Kept", format: "m4a", bpm: 90, seed: 7, lyrics: "words", model: "lyria-3-pro" });
    await harness.session.generate({ prompt: "second", format: "mp3", instrumental: true });
    expect(harness.site.stats.flow.composeRequests[1]).toEqual({
      sound_prompt: "second",
      lyrics: "",
      instrumental: true,
      model: "lyria-3.5",
      title: "",
    });
  });

  it("talks through the chat when asked, with the same traffic-read results", async () => {
    const songs = await harness.session.generate({ prompt: "a sea shanty about servers", format: "m4a", mode: "chat" });
    expect(harness.site.stats.flow.chatMessages).toEqual(["a sea shanty about servers"]);
    expect(harness.site.stats.flow.composeRequests).toEqual([]);
    expect(songs).toHaveLength(2);
    await expectExactSongs(songs);
  });

  it("splits every song into four stems and downloads each as its own song", async () => {
    const songs = await harness.session.generate({ prompt: "stems please", title: "Stem Song", format: "wav", stems: true });
    expect(songs).toHaveLength(10);
    const stems = songs.filter((song) => song.stem);
    expect(stems.map((song) => song.stem).sort()).toEqual(["bass", "bass", "drums", "drums", "other", "other", "vocals", "vocals"]);
    expect(new Set(stems.map((song) => song.parentClipId))).toEqual(new Set(songs.filter((song) => !song.stem).map((song) => song.clipId)));
    expect(harness.site.stats.flow.stemSplits).toBe(2);
    expect(songs.map((song) => song.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await expectExactSongs(songs);
    expect(calls()).toBe(1);
  });

  it("works through a consent notice and a promo dialog covering the page", async () => {
    harness.site.faults.set("consent-notice", { times: 1 });
    harness.site.faults.set("promo-dialog", { times: 1 });
    const songs = await harness.session.generate({ prompt: "covered", format: "mp3" });
    expect(songs).toHaveLength(2);
    expect(calls()).toBe(1);
  });

  it("presses Generate once more when no song starts, and is charged once", async () => {
    harness.site.faults.set("no-start", { times: 1 });
    const records: SubmissionRecord[] = [];
    const songs = await harness.session.generate(
      { prompt: "stuck start", format: "wav" },
      { onSubmission: async (record) => void records.push(record) },
    );
    expect(songs).toHaveLength(2);
    expect(calls()).toBe(2);
    expect(started()).toBe(1);
    expect(harness.site.stats.flow.creditsCharged).toBe(10);
    expect(records.at(-1)?.pressedAgain).toBe(true);
  });

  it("fails clearly when the site says the generation failed, with its error, and does not retry", async () => {
    harness.site.faults.set("song-failed", { times: 1 });
    const { error } = await timed(() => harness.session.generate({ prompt: "rejected", format: "wav" }));
    expect(error).toMatchObject({
      code: "GENERATION_FAILED",
      retryable: false,
      details: { errorType: "content_policy" },
    });
    expect((error as Error).message).toContain("could not be generated");
    expect(calls()).toBe(1);
  });

  it("refuses to submit when the balance is under one generation's price", async () => {
    harness.site.setCredits(7);
    const { error } = await timed(() => harness.session.generate({ prompt: "too poor", format: "wav" }));
    expect(error).toMatchObject({ code: "QUOTA_EXHAUSTED", details: { credits: 7, price: 10 } });
    expect(calls()).toBe(0);
  });

  it("reads HTTP 402 on the generation call as out of credits, recording that nothing was spent", async () => {
    harness.site.faults.set("quota-exhausted", { times: 1 });
    const records: SubmissionRecord[] = [];
    const { error } = await timed(() =>
      harness.session.generate({ prompt: "402", format: "wav" }, { onSubmission: async (record) => void records.push(record) }),
    );
    expect(error).toMatchObject({ code: "QUOTA_EXHAUSTED" });
    expect(records.at(-1)).toMatchObject({ state: "refused", refusal: "HTTP 402" });
    expect(started()).toBe(0);
  });

  it("fetches the clip's own URL inside the page when the menu gives no file in time", async () => {
    harness.site.faults.set("slow-export");
    const songs = await harness.session.generate({ prompt: "slow menu", format: "wav" });
    expect(songs).toHaveLength(2);
    await expectExactSongs(songs);
    expect(harness.site.stats.served.filter((entry) => entry.via === "url")).toHaveLength(2);
  });

  it("resumes a submission from its record: the same songs, no new generation call", async () => {
    let record: SubmissionRecord | undefined;
    const first = await harness.session.generate(
      { prompt: "resume me", format: "wav" },
      { onSubmission: async (next) => void (record = next) },
    );
    harness.site.resetStats();
    const again = await harness.session.generate({ prompt: "resume me", format: "wav" }, { resume: record as SubmissionRecord });
    expect(calls()).toBe(0);
    expect(again.map((song) => song.clipId)).toEqual(first.map((song) => song.clipId));
    await expectExactSongs(again);
  });

  it("finds a submission by prompt and time in the library when it has no ids yet", async () => {
    const submittedAt = new Date().toISOString();
    const first = await harness.session.generate({ prompt: "only the prompt is known", format: "mp3" });
    harness.site.resetStats();
    const again = await harness.session.generate(
      { prompt: "only the prompt is known", format: "mp3" },
      { resume: { state: "sending", submittedAt, prompt: "only the prompt is known" } },
    );
    expect(calls()).toBe(0);
    expect(again.map((song) => song.clipId).sort()).toEqual(first.map((song) => song.clipId).sort());
  });

  it("says the generation may exist, and submits nothing, when a resumed submission is nowhere on the site", async () => {
    const submittedAt = new Date().toISOString();
    const { error } = await timed(() =>
      harness.session.generate({ prompt: "never made", format: "wav" }, { resume: { state: "sending", submittedAt, prompt: "never made" } }),
    );
    expect(error).toMatchObject({ code: "GENERATION_MAY_EXIST", retryable: false, details: { submittedAt } });
    expect(calls()).toBe(0);
  });

  it("submits once, after all, a press the site never saw: no song came and the balance is as it was", async () => {
    const submittedAt = new Date().toISOString();
    const records: SubmissionRecord[] = [];
    const songs = await harness.session.generate(
      { prompt: "pressed as Chromium died", format: "wav" },
      { resume: { state: "sending", submittedAt, prompt: "pressed as Chromium died", creditsBefore: 500 }, onSubmission: async (record) => void records.push(record) },
    );
    expect(songs).toHaveLength(2);
    expect(calls()).toBe(1);
    expect(harness.site.stats.flow.creditsCharged).toBe(10);
    expect(records[0]).toMatchObject({ state: "refused", submittedAt });
    expect(records.at(-1)).toMatchObject({ state: "accepted", creditsBefore: 500, creditsAfter: 490 });
    await expectExactSongs(songs);
  });

  it("says the generation may exist when such a press left no song but the balance moved", async () => {
    const submittedAt = new Date().toISOString();
    const { error } = await timed(() =>
      harness.session.generate(
        { prompt: "paid for, nowhere", format: "wav" },
        { resume: { state: "sending", submittedAt, prompt: "paid for, nowhere", creditsBefore: 510 } },
      ),
    );
    expect(error).toMatchObject({ code: "GENERATION_MAY_EXIST", retryable: false });
    expect(calls()).toBe(0);
  });

  it("refuses a control the profile does not have, before opening the site", async () => {
    const { error } = await timed(() => harness.session.generate({ prompt: "x", format: "wav", model: "lyria-9" }));
    expect(error).toMatchObject({ code: "INVALID_INPUT" });
    expect((error as ProducerError).details.fields).toEqual([{ path: "model", message: "must be one of lyria-3.5, lyria-3-pro" }]);
    expect(harness.site.stats.requests).toBe(0);
  });
});

describe("the 2026 Flow app when the page does not match", () => {
  let local: Harness | undefined;
  afterAll(() => local?.close());

  it("shows that a pointer click on a Radix submenu item does nothing, so the profile picks by keyboard", async () => {
    local = await createHarness({ config: { site: { submenuPick: "pointer", timeouts: { downloadMs: 1500 } } } });
    const songs = await local.session.generate({ prompt: "pointer", format: "wav" });
    expect(local.site.stats.served.map((entry) => entry.via)).toEqual(["url", "url"]);
    expect(songs).toHaveLength(2);
    await local.close();
    local = undefined;
  });

  it("ends in SITE_CHANGED naming a locator that matches nothing, submits nothing, and leaves a screenshot and the HTML", async () => {
    local = await createHarness({ config: { site: { locators: { generateButton: { role: "button", name: "Create song" } } } } });
    const { error } = await timed(() => local!.session.generate({ prompt: "drifted", format: "wav" }));
    expect(error).toMatchObject({ code: "SITE_CHANGED", retryable: false, details: { locator: "generateButton" } });
    expect((error as Error).message).toContain('site.locators.generateButton = {"role":"button","name":"Create song"}');
    const artifacts = (error as ProducerError).details.artifacts as { screenshot: string; html: string };
    expect(fs.statSync(artifacts.screenshot).size).toBeGreaterThan(1000);
    expect(fs.readFileSync(artifacts.html, "utf8")).toContain("Sound description");
    expect(local.site.stats.flow.generationCalls).toEqual({});
  });

  it("sees an expired login from the cookie's expires_at, without submitting", async () => {
    local?.close();
    local = await createHarness({ signedIn: false });
    const { writeLoginState } = await import("../src/login-state.js");
    writeLoginState(local.config.paths.stateFile, local.site.issueSession(undefined, { ttlSecs: -60 }));
    const status = await local.session.checkSession({ force: true });
    expect(status).toMatchObject({ valid: false, code: "SESSION_EXPIRED" });
    const { error } = await timed(() => local!.session.generate({ prompt: "expired", format: "wav" }));
    expect(error).toMatchObject({ code: "SESSION_EXPIRED" });
    expect(local.site.stats.flow.generationCalls).toEqual({});
  });
});
