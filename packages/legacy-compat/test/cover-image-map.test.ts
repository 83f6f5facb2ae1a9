import type { Track } from "@producer/core";
import { describe, expect, it } from "vitest";
import { toUploadedFile } from "../src/v1/map.js";
import { toTrackRecord } from "../src/v1/unified-map.js";
import { checkDocumented } from "./documented-fields.js";

const track: Track = {
  id: "7d0c2a4e-4a4c-4d4e-9a55-0e2b0d3f6a11",
  jobId: "0b7f1c8e-2f0a-4c55-8a43-5d2b9f3a7c20",
  songIndex: 0,
  projectId: "p1",
  userId: "u1",
  title: "A Slow Waltz",
  prompt: "a slow waltz",
  format: "wav",
  codec: "PCM",
  container: "WAVE",
  durationSecs: 2.5,
  sampleRate: 44_100,
  channels: 2,
  bitrate: 1_411_200,
  sizeBytes: 441_044,
  sha256: "0".repeat(64),
  storage: { kind: "s3", bucket: "b", key: "users/u1/projects/music-clip/p1/audio/j-1.wav", url: "http://s3/j-1.wav" },
  clipId: "c1",
  stem: null,
  parentClipId: null,
  model: null,
  seed: null,
  bpm: null,
  creditsCharged: null,
  siteDurationSecs: null,
  account: null,
  operation: null,
  sourceTrackId: null,
  sourceClipId: null,
  imageKey: null,
  imageUrl: null,
  imageError: null,
  createdAt: "2026-12-07T11:00:00.000Z",
} as Track;
const job = { id: track.jobId, createdAt: track.createdAt };

describe("a generation's cover in the earlier result shapes", () => {
  it("goes in the metadata dicts as image_url and image_key when the track has one", () => {
    const covered = {
      ...track,
      imageKey: "users/u1/projects/music-clip/p1/audio/j-cover.jpg",
      imageUrl: "http://s3/j-cover.jpg",
    };
    const file = toUploadedFile(covered);
    expect(file.file_metadata).toMatchObject({ image_url: covered.imageUrl, image_key: covered.imageKey });
    expect(checkDocumented("session-manager-file", file)).toEqual([]);
    expect(checkDocumented("session-manager-metadata", file.file_metadata)).toEqual([]);
    expect(toTrackRecord(covered, job)).toMatchObject({ image_url: covered.imageUrl, image_key: covered.imageKey });
  });

  it("leaves the earlier shape exactly as it was for a track without a cover", () => {
    expect(Object.keys(toUploadedFile(track).file_metadata)).not.toContain("image_url");
    expect(Object.keys(toTrackRecord(track, job))).not.toContain("image_url");
  });
});
