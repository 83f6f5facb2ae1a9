import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { startS3Server, type S3Server } from "@producer/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StorageError } from "../errors.js";
import { createTempDir, type TempDir } from "../temp-dir.js";
import { S3Storage } from "./s3-storage.js";
import { putSmallWav } from "./storage.test-helper.js";

const MIB = 1024 * 1024;
let server: S3Server;
let storage: S3Storage;
let dir: TempDir;

beforeAll(async () => {
  server = await startS3Server({ bucket: "producer-songs" });
  storage = new S3Storage(server.storageOptions);
  dir = await createTempDir("s3-storage-");
});
afterAll(async () => {
  await server?.close();
  await dir?.cleanup();
});

/** A file of `sizeBytes` with varied content, written in 1 MiB blocks. */
function writeLargeFile(name: string, sizeBytes: number): { file: string; sha256: string } {
  const file = path.join(dir.path, name);
  const hash = createHash("sha256");
  const descriptor = fs.openSync(file, "w");
  const block = Buffer.alloc(MIB);
  for (let written = 0, index = 0; written < sizeBytes; index += 1) {
    block.fill(index % 251);
    block.writeUInt32LE(index, 0);
    const chunk = block.subarray(0, Math.min(MIB, sizeBytes - written));
    fs.writeSync(descriptor, chunk);
    hash.update(chunk);
    written += chunk.length;
  }
  fs.closeSync(descriptor);
  return { file, sha256: hash.digest("hex") };
}

async function downloadSha256(key: string): Promise<string> {
  const object = await storage.client.send(new GetObjectCommand({ Bucket: server.bucket, Key: key }));
  const hash = createHash("sha256");
  for await (const chunk of object.Body as Readable) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

describe("S3Storage against an S3-protocol server", () => {
  it("stores a small object with metadata, heads it and deletes it", async () => {
    const metadata = { prompt: "Création — 夏の歌", durationSecs: "3.5" };
    const { body, stored } = await putSmallWav(storage, "music/generated/g1/a.wav", "small object", metadata);
    expect(stored).toMatchObject({
      key: "music/generated/g1/a.wav",
      bucket: "producer-songs",
      size: body.length,
      location: "s3://producer-songs/music/generated/g1/a.wav",
      url: `${server.endpoint}/producer-songs/music/generated/g1/a.wav`,
    });
    const head = await storage.head("music/generated/g1/a.wav");
    expect(head).toMatchObject({
      size: body.length,
      contentType: "audio/wav",
      metadata: { prompt: "Création — 夏の歌", durationsecs: "3.5" },
    });
    const stream = await storage.open("music/generated/g1/a.wav");
    expect(Buffer.concat(await stream!.toArray())).toEqual(body);
    const part = await storage.open("music/generated/g1/a.wav", { range: { start: 3, end: 9 } });
    expect(Buffer.concat(await part!.toArray())).toEqual(body.subarray(3, 10));
    await storage.delete("music/generated/g1/a.wav");
    expect(await storage.head("music/generated/g1/a.wav")).toBeUndefined();
    expect(await storage.open("music/generated/g1/a.wav")).toBeUndefined();
  });

  it("writes non-ASCII values as RFC 2047 encoded words that any S3 tool can decode", async () => {
    const prompt = "Création — 夏の歌, naïve café";
    await storage.put("meta/unicode.wav", Buffer.from("x"), {
      contentType: "audio/wav",
      metadata: { prompt, title: "Plain title" },
    });
    // What another tool sees: the raw header values, not decoded by this package.
    const raw = await storage.client.send(new HeadObjectCommand({ Bucket: server.bucket, Key: "meta/unicode.wav" }));
    expect(raw.Metadata?.title).toBe("Plain title");
    const encoded = /^=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=$/.exec(raw.Metadata?.prompt ?? "");
    expect(encoded).not.toBeNull();
    expect(Buffer.from(encoded?.[1] ?? "", "base64").toString("utf8")).toBe(prompt);
    expect((await storage.head("meta/unicode.wav"))?.metadata.prompt).toBe(prompt);
  });

  it("cuts a value too long for S3's 2 KB visibly: it ends in ..., and `cut` names it", async () => {
    const prompt = `${"a long prompt, ".repeat(300)}the end`;
    const sha256 = "f".repeat(64);
    await storage.put("meta/long.wav", Buffer.from("x"), {
      contentType: "audio/wav",
      metadata: { prompt, sha256, title: "Été" },
    });
    const metadata: Record<string, string> = (await storage.head("meta/long.wav"))?.metadata ?? {};
    expect(metadata.cut).toBe("prompt");
    expect(metadata.prompt?.endsWith("...")).toBe(true);
    expect(prompt.startsWith(metadata.prompt?.slice(0, -3) ?? "-")).toBe(true);
    expect(metadata.prompt?.length).toBeGreaterThan(1000);
    expect(metadata.sha256).toBe(sha256);
    expect(metadata.title).toBe("Été");
    // A value that fits is never marked.
    await storage.put("meta/short.wav", Buffer.from("x"), { contentType: "audio/wav", metadata: { prompt: "short" } });
    expect((await storage.head("meta/short.wav"))?.metadata).toEqual({ prompt: "short" });
  });

  it("uploads 50 MB as a streamed multipart upload, intact, with its metadata", async () => {
    const { file, sha256 } = writeLargeFile("fifty.bin", 50 * MIB);
    const commands: string[] = [];
    const counting = new S3Storage(server.storageOptions);
    counting.client.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(String(context.commandName));
        return next(args);
      },
      { step: "initialize" },
    );
    const stored = await counting.putFile("big/fifty.bin", file, {
      contentType: "application/octet-stream",
      metadata: { sha256 },
    });
    expect(stored.size).toBe(50 * MIB);
    expect(commands.filter((name) => name === "UploadPartCommand")).toHaveLength(7); // 8 MiB parts
    expect(commands).toContain("CompleteMultipartUploadCommand");
    const head = await storage.head("big/fifty.bin");
    expect(head?.size).toBe(50 * MIB);
    expect(head?.metadata.sha256).toBe(sha256);
    expect(await downloadSha256("big/fifty.bin")).toBe(sha256);
    await storage.delete("big/fifty.bin");
  }, 120_000);

  it("uploads 200 MB with flat memory", async () => {
    const { file, sha256 } = writeLargeFile("two-hundred.bin", 200 * MIB);
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    try {
      const stored = await storage.putFile("big/two-hundred.bin", file, { contentType: "application/octet-stream" });
      expect(stored.size).toBe(200 * MIB);
    } finally {
      clearInterval(sampler);
    }
    const growthMib = (peak - baseline) / MIB;
    console.log(`200 MB upload: peak RSS growth ${growthMib.toFixed(1)} MiB (parts 8 MiB x 4 in flight)`);
    expect(growthMib).toBeLessThan(150);
    expect((await storage.head("big/two-hundred.bin"))?.size).toBe(200 * MIB);
    expect(await downloadSha256("big/two-hundred.bin")).toBe(sha256);
    await storage.delete("big/two-hundred.bin");
    fs.rmSync(file);
  }, 300_000);

  it("streams a Readable of unknown length", async () => {
    const chunks = Array.from({ length: 12 }, (_, index) => Buffer.alloc(MIB, index));
    const stored = await storage.put("stream/unknown.bin", Readable.from(chunks), { contentType: "audio/mpeg" });
    expect(stored.size).toBe(12 * MIB);
    expect((await storage.head("stream/unknown.bin"))?.size).toBe(12 * MIB);
  }, 60_000);

  it("gives a retryable StorageError while the server is down, and works once it is back", async () => {
    await server.stop();
    try {
      const error = await storage
        .put("outage/a.wav", Buffer.from("x"), { contentType: "audio/wav" })
        .catch((caught: unknown) => caught);
      expect(StorageError.isInstance(error)).toBe(true);
      expect((error as StorageError).retryable).toBe(true);
      expect((error as StorageError).code).toBe("STORAGE_FAILED");
    } finally {
      await server.restart();
    }
    const stored = await storage.put("outage/a.wav", Buffer.from("x"), { contentType: "audio/wav" });
    expect(stored.size).toBe(1);
  }, 60_000);

  it("gives a StorageError that is not retryable for a bucket that does not exist", async () => {
    const missing = new S3Storage({ ...server.storageOptions, bucket: "no-such-bucket" });
    const error = await missing
      .put("a/b.wav", Buffer.from("x"), { contentType: "audio/wav" })
      .catch((caught: unknown) => caught);
    expect(StorageError.isInstance(error)).toBe(true);
    expect((error as StorageError).retryable).toBe(false);
    expect((error as StorageError).details.s3Error).toBe("NoSuchBucket");
  });
});
