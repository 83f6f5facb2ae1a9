import { loadConfig, type ProducerConfigInput } from "@producer/config";
import { describe, expect, it } from "vitest";
import { storageKeyFor } from "./storage-key-for.js";

const configWith = (storage: ProducerConfigInput["storage"]) =>
  loadConfig({ env: {}, configFile: false, overrides: { paths: { dataDir: "/tmp/producer-key" }, storage } }).config;

const vars = { generation_id: "g1", job_id: "g1", format: "wav", filename: "g1-1.wav" } as const;

describe("storageKeyFor", () => {
  it("uses the audio template only when both the user and the project are known", () => {
    const config = configWith({});
    expect(storageKeyFor(config, { userId: "u1", projectId: "p1" }, vars)).toBe(
      "users/u1/projects/music-clip/p1/audio/g1-1.wav",
    );
    expect(storageKeyFor(config, { userId: "u1" }, vars)).toBe("music/generated/g1/g1-1.wav");
  });

  it("puts the s3 prefix first on the s3 driver only, and fills {date} with today's date", () => {
    const templates = { generic: "{date}/{job_id}/{filename}" };
    const s3 = configWith({ driver: "s3", s3: { bucket: "tracks", prefix: "/tenant/" }, keyTemplates: templates });
    const local = configWith({ driver: "local", s3: { prefix: "tenant" }, keyTemplates: templates });
    const today = new Date().toISOString().slice(0, 10);
    expect(storageKeyFor(s3, {}, vars)).toBe(`tenant/${today}/g1/g1-1.wav`);
    expect(storageKeyFor(local, {}, vars)).toBe(`${today}/g1/g1-1.wav`);
  });
});
