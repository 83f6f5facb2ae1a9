import fs from "node:fs";
import { effectiveProfile } from "@producer/config";
import { type ProducerError, readAudioFacts, type SubmissionRecord } from "@producer/utils";
import { afterEach, describe, expect, it } from "vitest";
import { timed, withSettings } from "@producer/test-utils";
import { expectExactSongs } from "./exact-songs.js";
import { BrowserSession } from "../src/index.js";
import { createStack, freshSite, type SessionStack, stackForFile } from "./stack.js";

const harness = stackForFile({ simulator: { slowExportMs: 8000 } }, freshSite);

const calls = () => harness.site.stats.flow.generationCalls["producer@example.test"] ?? 0;
/** A WAV generation of `prompt`, with every submission record it saved on the way. */
async function generateRecorded(prompt: string) {
  const records: SubmissionRecord[] = [];
  const songs = await harness.session.generate(
    { prompt, format: "wav" },
    { onSubmission: async (record) => void records.push(record) },
  );
  return { songs, records };
}

const started = () => harness.site.stats.flow.generationsStarted["producer@example.test"] ?? 0;

describe("the 2026 Flow app, driven with its own controls and traffic", () => {
  it("composes with every control the way the web form sends them, learns the songs from the stream, and stores the WAV links' bytes", async () => {
    const records: SubmissionRecord[] = [];
    const songs = await harness.session.generate(
      {
        prompt: "Create a happy pop song",
        title: "My New Song",
        format: "wav",
        bpm: 120,
        seed: 42,
        durationSecs: 95,
        model: "lyria-3-pro",
        lyrics: "la la la",
      },
      { onSubmission: async (record) => void records.push(record) },
    );
    expect(songs).toHaveLength(2);
    await expectExactSongs(harness.site, songs);
    for (const song of songs) {
      expect(song.title).toBe("My New Song");
      expect(song.model).toBe("lyria-3-pro");
      expect(song.creditsCharged).toBe(5);
      expect(song.siteDurationSecs).toBe(95);
      expect((await readAudioFacts(song.filePath)).durationSecs).toBeGreaterThan(0);
    }
    expect(harness.site.stats.flow.composeRequests).toHaveLength(1);
    expect(harness.site.stats.flow.composeRequests[0]).toMatchObject({
      soundPrompt: "Create a happy pop song, 120 bpm",
      lyrics: "la la la\n[End - 1:35]",
      title: "My New Song",
      seed: 42,
      selectedModel: "Lyria 3 Pro",
    });
    expect(calls()).toBe(1);
    expect(harness.site.stats.served.map((entry) => entry.via)).toEqual(["storage", "storage"]);
    expect(records[0]).toMatchObject({
      state: "sending",
      prompt: "Create a happy pop song",
      title: "My New Song",
      creditsBefore: 500,
    });
    expect(records.at(-1)).toMatchObject({
      state: "accepted",
      clipIds: songs.map((song) => song.clipId),
      creditsAfter: 490,
    });
    expect(records.at(-1)?.siteJobId).toEqual(expect.any(String));
    expect(records.at(-1)?.opIds).toHaveLength(1);
  });

  it("sets every control again, because the panel keeps the last generation's values", async () => {
    await harness.session.generate({
      prompt: "first",
      title: "Kept",
      format: "m4a",
      bpm: 90,
      seed: 7,
      lyrics: "words",
      model: "lyria-3-pro",
    });
    await harness.session.generate({ prompt: "second", format: "mp3", instrumental: true });
    const second = harness.site.stats.flow.composeRequests[1];
    // A bare `[Instrumental]` travels as `lyrics_id: ""` with no map entry, as the app's clients send it.
    expect(second).toMatchObject({ soundPrompt: "second", lyrics: "", selectedModel: "Lyria 3.5" });
    const sent = second?.body as { part: { args: { lyrics_id: string } } } | undefined;
    expect(sent?.part.args.lyrics_id).toBe("");
    // Without a title the driver sets a marker title, by which the library can find this submission's songs.
    expect(second?.title).toMatch(/^second · [0-9a-f]{6}$/);
    expect(harness.site.stats.served.slice(0, 2).map((entry) => entry.via)).toEqual(["storage", "storage"]);
    expect(harness.site.stats.served.slice(2).map((entry) => entry.via)).toEqual(["endpoint", "endpoint"]);
  });

  it("talks through the chat when asked: MP3s by the download endpoint, ids from a stream that never ends", async () => {
    const songs = await harness.session.generate({ prompt: "a sea shanty about servers", format: "mp3", mode: "chat" });
    expect(harness.site.stats.served.map((entry) => entry.via)).toEqual(["endpoint", "endpoint"]);
    expect(harness.site.stats.flow.chatMessages).toEqual(["a sea shanty about servers"]);
    expect(harness.site.stats.flow.composeRequests).toEqual([]);
    expect(songs).toHaveLength(2);
    await expectExactSongs(harness.site, songs);
    expect(calls()).toBe(1);
  });

  it("splits every song into four stems and downloads each as its own song", async () => {
    const songs = await harness.session.generate({
      prompt: "stems please",
      title: "Stem Song",
      format: "wav",
      stems: true,
    });
    expect(songs).toHaveLength(10);
    const stems = songs.filter((song) => song.stem);
    expect(stems.map((song) => song.stem).sort()).toEqual([
      "bass",
      "bass",
      "drums",
      "drums",
      "other",
      "other",
      "vocals",
      "vocals",
    ]);
    expect(new Set(stems.map((song) => song.parentClipId))).toEqual(
      new Set(songs.filter((song) => !song.stem).map((song) => song.clipId)),
    );
    expect(harness.site.stats.flow.stemSplits).toBe(2);
    expect(songs.map((song) => song.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await expectExactSongs(harness.site, songs);
    expect(calls()).toBe(1);
  });

  it("works through a consent notice and a promo dialog that hides the app at load", async () => {
    harness.site.faults.set("consent-notice", { times: 1 });
    harness.site.faults.set("promo-dialog", { times: 1 });
    const songs = await harness.session.generate({ prompt: "covered", format: "mp3" });
    expect(songs).toHaveLength(2);
    await expectExactSongs(harness.site, songs);
    expect(calls()).toBe(1);
  });

  it("closes a promo dialog that comes up while it works", async () => {
    harness.site.settings.promoDelayMs = 300;
    harness.site.faults.set("promo-later", { times: 1 });
    const songs = await harness.session.generate({
      prompt: "a promo later",
      title: "Later",
      format: "wav",
      bpm: 80,
      lyrics: "x",
    });
    expect(songs).toHaveLength(2);
    expect(calls()).toBe(1);
  });

  for (const songPairs of ["ab-test", "ab-test-returns"] as const)
    it(`keeps both songs of an A/B pair: two operations, named in ${songPairs === "ab-test" ? "one tool-return" : "a tool-return each"}`, async () => {
      await withSettings(harness.site.settings, { songPairs, toolReturnDelayMs: 600 }, async () => {
        const songs = await harness.session.generate({ prompt: "a or b", format: "wav" });
        expect(songs).toHaveLength(2);
        await expectExactSongs(harness.site, songs);
        const ops = harness.site
          .flowClips()
          .filter((clip) => songs.some((song) => song.clipId === clip.id))
          .map((clip) => clip.opId);
        expect(new Set(ops).size).toBe(2);
        expect(calls()).toBe(1);
      });
    });

  it("waits out HTTP 429 (busy) as the site asks, then submits once", async () => {
    harness.site.faults.set("busy", { times: 1 });
    const { songs, records } = await generateRecorded("busy site");
    expect(songs).toHaveLength(2);
    expect(harness.site.stats.flow.busyRefusals).toBe(1);
    expect(calls()).toBe(1);
    expect(harness.site.stats.flow.creditsCharged).toBe(10);
    expect(records.map((record) => record.state).slice(0, 3)).toEqual(["sending", "refused", "sending"]);
    expect(records.at(-1)).toMatchObject({ state: "accepted" });
  });

  it("ends with the site's error type when its stream reports one (moderation), and submits nothing more", async () => {
    harness.site.faults.set("stream-error", { times: 1 });
    const { error } = await timed(() => harness.session.generate({ prompt: "flagged", format: "wav" }));
    expect(error).toMatchObject({ code: "GENERATION_FAILED", retryable: false, details: { errorType: "moderation" } });
    expect(calls()).toBe(1);
  });

  it("presses Generate once more when no song starts, and is charged once", async () => {
    harness.site.faults.set("no-start", { times: 1 });
    const { songs, records } = await generateRecorded("stuck start");
    expect(songs).toHaveLength(2);
    expect(calls()).toBe(2);
    expect(started()).toBe(1);
    expect(harness.site.stats.flow.creditsCharged).toBe(10);
    expect(records.at(-1)?.pressedAgain).toBe(true);
  });

  // How the site tells a failure: the status's state and error fields, either alone, or the clip's deleted_at.
  for (const shape of [
    { statusFailure: "both", clipFailure: "duration" },
    { statusFailure: "status", clipFailure: "duration" },
    { statusFailure: "fields", clipFailure: "duration" },
    { statusFailure: "both", clipFailure: "deleted" },
  ] as const) {
    it(`fails clearly when the site says the generation failed (${JSON.stringify(shape)}), and does not retry`, async () => {
      await withSettings(harness.site.settings, shape, async () => {
        harness.site.faults.set("song-failed", { times: 1 });
        const { error } = await timed(() => harness.session.generate({ prompt: "rejected", format: "wav" }));
        expect(error).toMatchObject({ code: "GENERATION_FAILED", retryable: false });
        const details = (error as ProducerError).details as { errorType: string | null; errorMessage: string | null };
        if (shape.statusFailure === "status") expect(details).toMatchObject({ errorType: null, errorMessage: null });
        else expect(details.errorType ?? details.errorMessage).toEqual(expect.any(String));
        expect((error as Error).message).toContain("The site says the generation failed");
        expect(calls()).toBe(1);
      });
    });
  }

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
      harness.session.generate(
        { prompt: "402", format: "wav" },
        { onSubmission: async (record) => void records.push(record) },
      ),
    );
    expect(error).toMatchObject({ code: "QUOTA_EXHAUSTED" });
    expect(records.at(-1)).toMatchObject({ state: "refused", refusal: "HTTP 402" });
    expect(started()).toBe(0);
  });

  it("asks a WAV link that answers 404 again until it gives the file", async () => {
    await withSettings(harness.site.settings, { wavDelayMs: 1500 }, async () => {
      const songs = await harness.session.generate({ prompt: "wav later", format: "wav" });
      await expectExactSongs(harness.site, songs);
      expect(harness.site.stats.served.map((entry) => entry.via)).toEqual(["storage", "storage"]);
    });
  });

  it("takes the download endpoint when a WAV link never gives the file", async () => {
    harness.site.faults.set("wav-missing");
    try {
      const songs = await harness.session.generate({ prompt: "no wav link", format: "wav" });
      await expectExactSongs(harness.site, songs);
      expect(harness.site.stats.served.map((entry) => entry.via)).toEqual(["endpoint", "endpoint"]);
    } finally {
      harness.site.faults.clear("wav-missing");
    }
  });

  it("resumes a submission from its record: the same songs, no new generation call", async () => {
    let record: SubmissionRecord | undefined;
    const first = await harness.session.generate(
      { prompt: "resume me", format: "wav" },
      { onSubmission: async (next) => void (record = next) },
    );
    harness.site.resetStats();
    const again = await harness.session.generate(
      { prompt: "resume me", format: "wav" },
      { resume: record as SubmissionRecord },
    );
    expect(calls()).toBe(0);
    expect(again.map((song) => song.clipId)).toEqual(first.map((song) => song.clipId));
    await expectExactSongs(harness.site, again);
  });

  it("finds a submission by the title it was sent with in the library when it has no ids yet (never by prompt)", async () => {
    const submittedAt = new Date().toISOString();
    const first = await harness.session.generate({
      prompt: "only the title is known",
      title: "Marker 7f3a",
      format: "mp3",
      bpm: 100,
    });
    harness.site.resetStats();
    const again = await harness.session.generate(
      { prompt: "only the title is known", title: "Marker 7f3a", format: "mp3", bpm: 100 },
      { resume: { state: "sending", submittedAt, prompt: "only the title is known", title: "Marker 7f3a" } },
    );
    expect(calls()).toBe(0);
    expect(again.map((song) => song.clipId).sort()).toEqual(first.map((song) => song.clipId).sort());
  });

  it("says the generation may exist, and submits nothing, when a resumed submission is nowhere on the site", async () => {
    const submittedAt = new Date().toISOString();
    const { error } = await timed(() =>
      harness.session.generate(
        { prompt: "never made", format: "wav" },
        { resume: { state: "sending", submittedAt, prompt: "never made" } },
      ),
    );
    expect(error).toMatchObject({ code: "GENERATION_MAY_EXIST", retryable: false, details: { submittedAt } });
    expect(calls()).toBe(0);
  });

  it("submits once, after all, a press the site never saw: no song came and the balance is as it was", async () => {
    const submittedAt = new Date().toISOString();
    const records: SubmissionRecord[] = [];
    const songs = await harness.session.generate(
      { prompt: "pressed as Chromium died", format: "wav" },
      {
        resume: { state: "sending", submittedAt, prompt: "pressed as Chromium died", creditsBefore: 500 },
        onSubmission: async (record) => void records.push(record),
      },
    );
    expect(songs).toHaveLength(2);
    expect(calls()).toBe(1);
    expect(harness.site.stats.flow.creditsCharged).toBe(10);
    expect(records[0]).toMatchObject({ state: "refused", submittedAt });
    expect(records.at(-1)).toMatchObject({ state: "accepted", creditsBefore: 500, creditsAfter: 490 });
    await expectExactSongs(harness.site, songs);
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
    expect((error as ProducerError).details.fields).toEqual([
      { path: "model", message: "must be one of lyria-3.5, lyria-3-pro" },
    ]);
    expect(harness.site.stats.requests).toBe(0);
  });
});

describe("the 2026 Flow app at its own pace", () => {
  let local: SessionStack | undefined;
  afterEach(() => local?.close());

  it("never waits out the song-start window when the stream names the songs: done well inside it", async () => {
    const renderMs = 3000;
    local = await createStack({
      simulator: { generationMs: renderMs, statusPollMs: 3000 },
      config: { site: { timeouts: { songStartMs: 60_000, generationMs: 60_000 } } },
    });
    await local.session.start();
    const { error, ms } = await timed(() => local!.session.generate({ prompt: "on time", format: "wav" }));
    expect(error).toBeUndefined();
    // The window is a minute; a job that sat through it would take over 60 s. A busy machine adds seconds, not that.
    expect(ms).toBeLessThan(renderMs + 20_000);
    expect(local.site.stats.flow.generationCalls["producer@example.test"]).toBe(1);
  }, 60_000);
});

describe("the 2026 Flow app when the page does not match, or the login has moved on", () => {
  let local: SessionStack | undefined;
  afterEach(() => local?.close());
  const localCalls = () => local?.site.stats.flow.generationCalls["producer@example.test"] ?? 0;
  /** A download endpoint that answers 404, so that only the library menu can give the file. */
  const noEndpoint = { api: { download: "/__api/gone/{clipId}?format={format}" } };

  /** Two songs of one title, each fetched byte-exact through its own row's menu, from one submission. */
  async function expectMenuDownloads(options: Parameters<typeof createStack>[0], prompt: string): Promise<void> {
    local = await createStack(options);
    const songs = await local.session.generate({ prompt, title: "Same Title", format: "mp3" });
    expect(songs).toHaveLength(2);
    await expectExactSongs(local.site, songs);
    expect(localCalls()).toBe(1);
  }

  it("downloads through a song's menu when neither link nor endpoint gives the file (portaled Radix menus, by keyboard)", async () => {
    await expectMenuDownloads({ config: { site: noEndpoint } }, "menu only");
  });

  it("finds a song's menu items inside its own row when the menu is a plain list of menuitems", async () => {
    await expectMenuDownloads(
      { simulator: { menuShape: "inline", libraryRows: "li" }, config: { site: noEndpoint } },
      "inline menus",
    );
  });

  it("shows that a pointer click on a Radix submenu item does nothing: SITE_CHANGED-free, but no file within the download time", async () => {
    local = await createStack({
      config: { site: { ...noEndpoint, submenuPick: "pointer", timeouts: { downloadMs: 1500 } } },
    });
    const { error } = await timed(() => local!.session.generate({ prompt: "pointer", format: "mp3" }));
    expect(error).toMatchObject({ code: "TIMEOUT", details: { step: "download" } });
    expect(localCalls()).toBe(1);
  });

  it("ends in SITE_CHANGED naming a locator that matches nothing, submits nothing, and leaves a screenshot and the HTML", async () => {
    local = await createStack({
      config: { site: { locators: { generateButton: { role: "button", name: "Create song" } } } },
    });
    const { error } = await timed(() => local!.session.generate({ prompt: "drifted", format: "wav" }));
    expect(error).toMatchObject({ code: "SITE_CHANGED", retryable: false, details: { locator: "generateButton" } });
    expect((error as Error).message).toContain('site.locators.generateButton = {"role":"button","name":"Create song"}');
    const artifacts = (error as ProducerError).details.artifacts as { screenshot: string; html: string };
    expect(fs.statSync(artifacts.screenshot).size).toBeGreaterThan(1000);
    expect(fs.readFileSync(artifacts.html, "utf8")).toContain("Sound description");
    // The report names what the page has instead: the right button among them.
    const candidates = (error as ProducerError).details.candidates as Array<{ locator: unknown }>;
    expect(candidates.map((candidate) => candidate.locator)).toContainEqual({
      role: "button",
      name: "Generate",
      exact: true,
    });
    expect(local.site.stats.flow.generationCalls).toEqual({});
  });

  it("looks for a song's menu as the profile's menus.menu says a menu is: one that matches nothing is SITE_CHANGED", async () => {
    local = await createStack({ config: { site: noEndpoint } });
    // The built-in profile as a profile file, its menus drifted: a menu is now something the page has none of.
    const profile = effectiveProfile(local.config.site);
    profile.menus = { ...profile.menus, find: ["popup"], menu: "[data-no-such-menu]" };
    const file = `${local.config.paths.dataDir}/drifted-menus.json`;
    fs.writeFileSync(file, JSON.stringify(profile));
    const session = new BrowserSession({ config: local.configWith({ site: { ...noEndpoint, profile: file } }) });
    try {
      const { error } = await timed(() => session.generate({ prompt: "drifted menus", format: "mp3" }));
      expect(error).toMatchObject({ code: "SITE_CHANGED", details: { step: "download", locator: "moreOptions" } });
      expect((error as Error).message).toContain("menus.find: popup");
      expect(localCalls()).toBe(1);
    } finally {
      await session.close();
    }
  });

  it("takes an access token past its expires_at for what it is: the page refreshes it, the job succeeds, the rotated token is saved", async () => {
    local = await createStack({ signedIn: false });
    const { readLoginState, writeLoginState } = await import("../src/login-state.js");
    const stateFile = local.config.paths.stateFile;
    writeLoginState(stateFile, local.site.issueSession(undefined, { ttlSecs: -60 }));
    const before = refreshTokenIn(readLoginState(stateFile));
    const status = await local.session.checkSession({ force: true });
    expect(status).toMatchObject({ valid: true, refreshable: true });
    const songs = await local.session.generate({ prompt: "after an hour", format: "wav" });
    expect(songs).toHaveLength(2);
    expect(localCalls()).toBe(1);
    expect(local.site.stats.flow.refreshes.granted).toBeGreaterThanOrEqual(1);
    const saved = readLoginState(stateFile);
    const after = refreshTokenIn(saved);
    expect(after).not.toBe(before);
    expect(local.site.liveRefreshTokens()).toContain(after);
    expect(fs.statSync(stateFile).mode & 0o777).toBe(0o600);
  });

  it("sees a login whose refresh token is dead as expired, without submitting", async () => {
    local = await createStack({ signedIn: false });
    const { writeLoginState } = await import("../src/login-state.js");
    writeLoginState(
      local.config.paths.stateFile,
      local.site.issueSession(undefined, { ttlSecs: -60, refreshTokenDead: true }),
    );
    const status = await local.session.checkSession({ force: true });
    expect(status).toMatchObject({ valid: false, code: "SESSION_EXPIRED" });
    const { error } = await timed(() => local!.session.generate({ prompt: "expired", format: "wav" }));
    expect(error).toMatchObject({ code: "SESSION_EXPIRED" });
    expect(local.site.stats.flow.generationCalls).toEqual({});
  });
});

/** The refresh token inside a saved state's Supabase cookie (chunks joined). */
function refreshTokenIn(state: { cookies: Array<{ name: string; value: string }> } | undefined): string | undefined {
  const chunks = (state?.cookies ?? [])
    .filter((cookie) => /^sb-.+-auth-token(\.\d+)?$/.test(cookie.name))
    .sort((a, b) => Number(a.name.split(".").pop()) - Number(b.name.split(".").pop()))
    .map((cookie) => cookie.value)
    .join("");
  if (!chunks.startsWith("base64-")) return undefined;
  return (JSON.parse(Buffer.from(chunks.slice(7), "base64url").toString("utf8")) as { refresh_token?: string })
    .refresh_token;
}
