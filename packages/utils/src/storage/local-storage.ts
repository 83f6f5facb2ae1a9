import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { StorageError } from "../errors.js";
import type { ByteRange, ObjectHead, PutOptions, Storage, StoredObject } from "./storage.js";
import { assertSafeKey } from "./storage-key.js";

interface Sidecar {
  contentType: string;
  metadata: Record<string, string>;
  etag: string;
  size: number;
}

/**
 * Storage in a folder. Objects appear whole or not at all: each is written to a temporary file in the same
 * folder and renamed into place; its metadata is a JSON file under `.meta/`.
 */
export class LocalStorage implements Storage {
  readonly kind = "local" as const;
  readonly dir: string;

  constructor(options: { dir: string }) {
    this.dir = path.resolve(options.dir);
  }

  private filePath(key: string): string {
    assertSafeKey(key);
    const file = path.join(this.dir, key);
    if (!file.startsWith(this.dir + path.sep)) throw new StorageError(`Key escapes the storage folder: ${key}`);
    return file;
  }

  private metaPath(key: string): string {
    return path.join(this.dir, ".meta", `${key}.json`);
  }

  async put(key: string, body: Readable | Uint8Array, options: PutOptions): Promise<StoredObject> {
    const target = this.filePath(key);
    const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${randomUUID()}.tmp`);
    const hash = createHash("md5");
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    try {
      // The user's songs and their metadata are the owner's alone: files 0600, folders 0700.
      await fs.promises.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      const source = body instanceof Uint8Array ? Readable.from([Buffer.from(body)]) : body;
      await pipeline(source, counter, fs.createWriteStream(temporary, { flags: "wx", mode: 0o600 }), {
        signal: options.signal,
      });
      const sidecar: Sidecar = {
        contentType: options.contentType,
        metadata: options.metadata ?? {},
        etag: hash.digest("hex"),
        size,
      };
      await this.writeAtomically(this.metaPath(key), JSON.stringify(sidecar));
      await fs.promises.rename(temporary, target);
      return { key, url: pathToFileURL(target).href, location: target, etag: sidecar.etag, size };
    } catch (error) {
      await fs.promises.rm(temporary, { force: true });
      if (options.signal?.aborted) throw error;
      throw new StorageError(`Could not store ${key} in ${this.dir}: ${(error as Error).message}`, { cause: error });
    }
  }

  putFile(key: string, filePath: string, options: PutOptions): Promise<StoredObject> {
    return this.put(key, fs.createReadStream(filePath), options);
  }

  async head(key: string): Promise<ObjectHead | undefined> {
    const target = this.filePath(key);
    try {
      const stat = await fs.promises.stat(target);
      const sidecar = JSON.parse(await fs.promises.readFile(this.metaPath(key), "utf8")) as Sidecar;
      return { key, size: stat.size, contentType: sidecar.contentType, etag: sidecar.etag, metadata: sidecar.metadata };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new StorageError(`Could not read ${key} in ${this.dir}: ${(error as Error).message}`, { cause: error });
    }
  }

  async open(key: string, options: { range?: ByteRange } = {}): Promise<Readable | undefined> {
    const target = this.filePath(key);
    try {
      const handle = await fs.promises.open(target, "r");
      return handle.createReadStream(options.range ? { start: options.range.start, end: options.range.end } : {});
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new StorageError(`Could not read ${key} in ${this.dir}: ${(error as Error).message}`, { cause: error });
    }
  }

  async delete(key: string): Promise<void> {
    const target = this.filePath(key);
    try {
      await fs.promises.rm(target, { force: true });
      await fs.promises.rm(this.metaPath(key), { force: true });
    } catch (error) {
      throw new StorageError(`Could not delete ${key} in ${this.dir}: ${(error as Error).message}`, { cause: error });
    }
  }

  private async writeAtomically(file: string, content: string): Promise<void> {
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${randomUUID()}.tmp`;
    await fs.promises.writeFile(temporary, content, { flag: "wx" });
    await fs.promises.rename(temporary, file);
  }
}
