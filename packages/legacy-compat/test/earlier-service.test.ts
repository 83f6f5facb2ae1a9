import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  jobIdOf,
  ProducerAIMusicClipService,
  ProducerAIService,
  UnifiedProducerAIService,
  type AutomationSuccess,
  type UnifiedSuccess,
} from "../src/index.js";
import { checkDocumented } from "./documented-fields.js";
import { golden, normalize } from "./golden.js";
import { createLegacyStack, type LegacyStack } from "./stack.js";

let harness: LegacyStack;
let downloads: string;
let unified: UnifiedProducerAIService;
let clips: ProducerAIMusicClipService;
let automation: ProducerAIService;

beforeAll(async () => {
  harness = await createLegacyStack();
  downloads = harness.teardown.tempDir("producer-legacy-downloads-");
  const options = { downloadPath: downloads, waitTimeoutSecs: 120 };
  unified = new UnifiedProducerAIService(harness.service, options);
  clips = new ProducerAIMusicClipService(harness.service, options);
  automation = new ProducerAIService(harness.service, options);
});
afterAll(() => harness?.close());
beforeEach(() => harness.site.faults.clear());

const sha256 = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

function expectUnifiedShape(result: UnifiedSuccess): void {
  expect(checkDocumented("unified-success", result)).toEqual([]);
  for (const file of result.uploaded_files) expect(checkDocumented("uploaded-file", file)).toEqual([]);
  expect(result.generation_id).toMatch(/^clip_\d{10}_[0-9a-f]{32}$/);
  const seconds = Number(result.generation_id.split("_")[1]);
  expect(Math.abs(seconds - Date.now() / 1000)).toBeLessThan(300);
  expect(Math.abs(result.timestamp - Date.now() / 1000)).toBeLessThan(60);
}

describe("unified_producer_service.generate_music", () => {
  it("queued, with lyrics in the prompt as before: one submission, the songs the site served, copies on disk", async () => {
    const before = harness.site.stats.generations;
    const result = await unified.generate_music(
      "A warm folk song",
      "Harbor Lights",
      false,
      "la la la\nhey",
      "project_123",
      "user_456",
    );
    expect(result.success).toBe(true);
    const success = result as UnifiedSuccess;
    expectUnifiedShape(success);
    expect(checkDocumented("unified-success-queue-only", success)).toEqual([]);
    expect(normalize(success)).toEqual(golden("unified-success-queue", success));
    expect(harness.site.stats.generations).toBe(before + 1);
    expect(harness.site.stats.prompts.at(-1)).toBe("A warm folk song\n\nLyrics:\nla la la\nhey");
    expect(success).toMatchObject({
      method: "producer_ai_queue",
      prompt: "A warm folk song",
      lyrics: "la la la\nhey",
      is_instrumental: false,
    });
    expect(jobIdOf(success.generation_id)).toBe(success.request_id);
    expect(success.tab_id).toBe(`job-${success.request_id}`);
    expect(success.uploaded_files.length).toBeGreaterThan(0);
    for (const file of success.uploaded_files) {
      const record = file.track_record;
      expect(file.local_path).toBe(path.join(downloads, file.filename));
      expect(sha256(file.local_path as string)).toBe(record.sha256);
      expect(harness.site.servedSha256(record.clip_id as string, record.format as "wav")).toBe(record.sha256);
      expect(record.s3_key).toBe(`users/user_456/projects/music-clip/project_123/audio/${file.filename}`);
      expect(record.generation_id).toBe(success.generation_id);
      expect(fs.statSync(file.local_path as string).mode & 0o777).toBe(0o600);
    }
  });

  it("direct, by keyword: an instrumental ignores the lyrics; no request or tab id", async () => {
    const before = harness.site.stats.generations;
    const result = await unified.generate_music({
      prompt: "Slow ambient pads",
      title: "Drift",
      is_instrumental: true,
      lyrics: "never sung",
      project_id: "project_123",
      user_id: "user_456",
      use_queue: false,
    });
    expect(result.success).toBe(true);
    const success = result as UnifiedSuccess;
    expectUnifiedShape(success);
    expect(normalize(success)).toEqual(golden("unified-success-direct", success));
    expect(success).not.toHaveProperty("request_id");
    expect(success).not.toHaveProperty("tab_id");
    expect(success).toMatchObject({ method: "producer_ai_direct", is_instrumental: true, lyrics: null });
    expect(harness.site.stats.generations).toBe(before + 1);
    expect(harness.site.stats.prompts.at(-1)).toBe("Slow ambient pads");
  });
});

describe("producer_music_clip_service", () => {
  it("generate_music_for_clip queues and waits; request and session status; cleanup_local_files", async () => {
    const result = await clips.generate_music_for_clip("An 8-bit chiptune loop", "Pixels", false, null, "p-7", "u-7");
    expect(result).toMatchObject({ success: true, method: "producer_ai_queue", project_id: "p-7" });
    const success = result as UnifiedSuccess;
    const byRequest = await clips.get_request_status(success.request_id as string);
    expect(checkDocumented("request-status-found", byRequest)).toEqual([]);
    expect(checkDocumented("request-status-object", (byRequest as { status: unknown }).status)).toEqual([]);
    expect(normalize(byRequest)).toEqual(golden("request-status-answer", byRequest));
    expect(
      (byRequest as { status: { result: UnifiedSuccess } }).status.result.uploaded_files.map((file) => file.filename),
    ).toEqual(success.uploaded_files.map((file) => file.filename));
    // The generation id leads to the same request.
    expect((await clips.get_request_status(success.generation_id)) as unknown).toMatchObject({
      success: true,
      status: { request_id: success.request_id },
    });
    for (const unknown of ["00000000-0000-4000-8000-000000000000", "not-a-request", ""]) {
      const missing = await clips.get_request_status(unknown);
      expect(missing).toEqual({ success: false, error: "Request not found" });
      expect(checkDocumented("request-status-missing", missing)).toEqual([]);
    }
    const session = await clips.get_session_status();
    expect(checkDocumented("session-status", session)).toEqual([]);
    expect(normalize(session)).toEqual(golden("session-status", session));
    expect(await clips.cleanup_local_files(success.generation_id)).toBe(true);
  });
});

describe("producer_service (the browser automation)", () => {
  it("generate_music(prompt, title, download_path): the automation result, the files in that folder, listed and served", async () => {
    const folder = harness.teardown.tempDir("producer-legacy-automation-");
    const result = await automation.generate_music("Create a happy pop song", "My New Song", folder);
    expect(result.success).toBe(true);
    const success = result as AutomationSuccess;
    expect(checkDocumented("automation-success", success)).toEqual([]);
    expect(normalize(success)).toEqual(golden("automation-success", success));
    expect(success.download_path).toBe(success.network_urls[0]);
    expect(fs.readdirSync(folder).sort()).toEqual([...success.downloaded_files].sort());

    const listed = await automation.get_available_files(folder);
    expect(listed.map((file) => file.filename).sort()).toEqual([...success.downloaded_files].sort());
    for (const file of listed) {
      expect(checkDocumented("available-file", file)).toEqual([]);
      expect(file.url).toBe(`/api/ai/producer/files/${file.filename}`);
      expect(file.path).toBe(path.join(folder, file.filename));
    }
    expect(listed.map((file) => file.modified)).toEqual([...listed.map((file) => file.modified)].sort((a, b) => b - a));
    const first = success.downloaded_files[0] as string;
    expect(await automation.serve_file(first, folder)).toBe(path.join(folder, first));
    for (const bad of ["../../etc/passwd", ".hidden.wav", "missing.wav", ""])
      expect(await automation.serve_file(bad, folder)).toBeNull();
  });

  it("without a download folder, lists and serves the stored songs themselves", async () => {
    const stored = new ProducerAIService(harness.service, { downloadPath: null });
    const { tracks } = await harness.service.listTracks({ limit: 100 });
    const files = await stored.get_available_files();
    expect(files.map((file) => file.filename)).toEqual(tracks.map((track) => track.storage.key.split("/").pop()));
    expect(files[0]).toMatchObject({ path: tracks[0]?.storage.url, size: tracks[0]?.sizeBytes });
    const served = await stored.serve_file(files[0]?.filename as string);
    expect(served).not.toBeNull();
    expect(sha256(served as string)).toBe(tracks[0]?.sha256);
    fs.rmSync(served as string, { force: true });
  });
});

describe("the same scenario through the earlier names and the new API", () => {
  it("agrees field for field, as the migration guide maps them", async () => {
    const prompt = "A calm piano piece for the credits";
    const old = (await unified.generate_music({
      prompt,
      title: "Credits",
      project_id: "p-9",
      user_id: "u-9",
      use_queue: false,
    })) as UnifiedSuccess;
    const fresh = await harness.service.generateMusic({
      prompt,
      title: "Credits",
      projectId: "p-9",
      userId: "u-9",
      useQueue: false,
    });
    expect(old.success).toBe(true);
    const tracks = (fresh as { tracks: Array<import("@producer/core").Track> }).tracks;
    expect(old.uploaded_files).toHaveLength(tracks.length);
    for (const [index, file] of old.uploaded_files.entries()) {
      const track = tracks[index];
      const record = file.track_record;
      expect([
        record.title,
        record.format,
        record.channels,
        record.sample_rate,
        record.song_index,
        record.project_id,
        record.user_id,
      ]).toEqual([
        track?.title,
        track?.format,
        track?.channels,
        track?.sampleRate,
        track?.songIndex,
        track?.projectId,
        track?.userId,
      ]);
      expect(record.duration).toBeCloseTo(track?.durationSecs ?? 0, 1);
      expect(file.s3_url.replace(record.job_id, "<job>")).toBe(track?.storage.url.replace(track.jobId, "<job>"));
      expect(record.s3_key.replace(record.job_id, "<job>")).toBe(track?.storage.key.replace(track.jobId, "<job>"));
    }
    const job = await harness.service.getJob(jobIdOf(old.generation_id));
    expect(job.tracks.map((track) => track.sha256)).toEqual(old.uploaded_files.map((file) => file.track_record.sha256));
    expect(old.prompt).toBe(job.input.prompt);
  });
});
