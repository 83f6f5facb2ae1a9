import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidInputError, StorageError } from "../errors.js";
import { createTempDir, type TempDir } from "../temp-dir.js";
import { LocalStorage } from "./local-storage.js";
import { putSmallWav } from "./storage.test-helper.js";

let dir: TempDir;
let storage: LocalStorage;
beforeEach(async () => {
  dir = await createTempDir("local-storage-");
  storage = new LocalStorage({ dir: dir.path });
});
afterEach(() => dir.cleanup());

const listFiles = (root: string): string[] =>
  fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name);

describe("LocalStorage", () => {
  it("stores bytes with their type and Unicode metadata, and reads them back", async () => {
    const metadata = { prompt: "Une chanson d'été — 夏", sha256: "abc" };
    const { body, stored } = await putSmallWav(storage, "users/u1/a.wav", "RIFF....WAVEfmt ", metadata);
    const location = path.join(dir.path, "users/u1/a.wav");
    expect(stored).toMatchObject({
      key: "users/u1/a.wav",
      size: body.length,
      etag: createHash("md5").update(body).digest("hex"),
      location,
    });
    expect(stored.url).toBe(`file://${location}`);
    expect(fs.readFileSync(stored.location)).toEqual(body);
    const head = await storage.head("users/u1/a.wav");
    expect(head).toEqual({
      key: "users/u1/a.wav",
      size: body.length,
      contentType: "audio/wav",
      etag: stored.etag,
      metadata: { prompt: "Une chanson d'été — 夏", sha256: "abc" },
    });
    const stream = await storage.open("users/u1/a.wav");
    expect(Buffer.concat(await stream!.toArray())).toEqual(body);
    const part = await storage.open("users/u1/a.wav", { range: { start: 2, end: 5 } });
    expect(Buffer.concat(await part!.toArray())).toEqual(body.subarray(2, 6));
  });

  it("streams a file and replaces an existing object whole", async () => {
    const source = path.join(dir.path, "source.bin");
    fs.writeFileSync(source, Buffer.alloc(3 * 1024 * 1024, 7));
    await storage.put("k/x.bin", Buffer.from("old"), { contentType: "application/octet-stream" });
    const stored = await storage.putFile("k/x.bin", source, { contentType: "application/octet-stream" });
    expect(stored.size).toBe(3 * 1024 * 1024);
    expect((await storage.head("k/x.bin"))?.size).toBe(3 * 1024 * 1024);
    // Stored songs are the owner's alone.
    expect(fs.statSync(stored.location as string).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(stored.location as string)).mode & 0o777).toBe(0o700);
  });

  it("leaves nothing behind when the stream fails midway", async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1024));
        this.destroy(new Error("network dropped"));
      },
    });
    const error = await storage
      .put("k/partial.wav", failing, { contentType: "audio/wav" })
      .catch((caught: unknown) => caught);
    expect(StorageError.isInstance(error)).toBe(true);
    expect((error as StorageError).retryable).toBe(true);
    expect(await storage.head("k/partial.wav")).toBeUndefined();
    expect(listFiles(dir.path)).toEqual([]);
  });

  it("answers undefined for a missing object and deletes idempotently", async () => {
    expect(await storage.head("nothing/here.wav")).toBeUndefined();
    expect(await storage.open("nothing/here.wav")).toBeUndefined();
    await storage.put("a/b.wav", Buffer.from("x"), { contentType: "audio/wav" });
    await storage.delete("a/b.wav");
    await storage.delete("a/b.wav");
    expect(await storage.head("a/b.wav")).toBeUndefined();
  });

  it("refuses keys that would leave its folder", async () => {
    for (const key of ["../escape.wav", "/etc/passwd", "a/../../b"]) {
      await expect(storage.put(key, Buffer.from("x"), { contentType: "audio/wav" })).rejects.toBeInstanceOf(
        InvalidInputError,
      );
    }
    expect(fs.existsSync(path.join(dir.path, "..", "escape.wav"))).toBe(false);
  });
});
