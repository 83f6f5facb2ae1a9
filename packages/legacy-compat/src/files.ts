import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import type { Job, ProducerBackend, Track, TrackAudio } from "@producer/core";
import { toSeconds } from "./v1/ids.js";
import { fileNameOf } from "./v1/map.js";
import type { AvailableFile } from "./v1/shapes.js";

/** The audio files the earlier service listed and served. */
export const AUDIO_EXTENSIONS = [".wav", ".mp3", ".m4a", ".ogg", ".flac"] as const;
/** How many stored songs `get_available_files` lists when there is no download folder. */
const MAX_LISTED = 1000;
const UUID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-/;

const isAudioName = (name: string) => AUDIO_EXTENSIONS.some((extension) => name.toLowerCase().endsWith(extension));
/** A bare file name: no folder, nothing hidden, nothing that climbs out. */
const isPlainFileName = (name: unknown): name is string =>
  typeof name === "string" &&
  name !== "" &&
  name === path.basename(name) &&
  !name.startsWith(".") &&
  !name.includes("\0");

async function writeCopy(stream: Readable, target: string): Promise<void> {
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${randomUUID()}.tmp`);
  try {
    await pipeline(stream, fs.createWriteStream(temporary, { flags: "wx", mode: 0o600 }));
    await fs.promises.rename(temporary, target);
  } catch (error) {
    await fs.promises.rm(temporary, { force: true });
    throw error;
  }
}

/**
 * The earlier service's local files: the download folder it listed and served from, now filled from storage. Without
 * a download folder (the daemon's routes), the stored songs themselves are listed and served.
 */
export class LegacyFiles {
  constructor(
    private readonly backend: ProducerBackend,
    /** Where local copies of the songs are kept; null keeps none. */
    readonly downloadPath: string | null,
    private readonly urlPrefix: string,
  ) {}

  /** The same files with another download folder. */
  withFolder(downloadPath: string): LegacyFiles {
    return new LegacyFiles(this.backend, path.resolve(downloadPath), this.urlPrefix);
  }

  private url(filename: string): string {
    return `${this.urlPrefix}/${encodeURIComponent(filename)}`;
  }

  /** Newest first, as before. */
  async list(downloadPath?: string | null): Promise<AvailableFile[]> {
    const folder = downloadPath ?? this.downloadPath;
    return folder ? this.listFolder(folder) : this.listStored();
  }

  private async listFolder(folder: string): Promise<AvailableFile[]> {
    const names = await fs.promises.readdir(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return [] as string[];
      throw error;
    });
    const files: AvailableFile[] = [];
    for (const filename of names.filter((name) => isPlainFileName(name) && isAudioName(name))) {
      const file = path.resolve(folder, filename);
      const stat = await fs.promises.stat(file).catch(() => undefined);
      if (!stat?.isFile()) continue;
      files.push({
        filename,
        path: file,
        size: stat.size,
        created: stat.birthtimeMs / 1000,
        modified: stat.mtimeMs / 1000,
        url: this.url(filename),
      });
    }
    return files.sort((a, b) => b.modified - a.modified);
  }

  private async listStored(): Promise<AvailableFile[]> {
    const files: AvailableFile[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.backend.listTracks({ limit: 200, ...(cursor ? { cursor } : {}) });
      for (const track of page.tracks) {
        const filename = fileNameOf(track);
        const created = toSeconds(track.createdAt);
        const where = track.storage.kind === "local" ? fileURLToPath(track.storage.url) : track.storage.url;
        files.push({
          filename,
          path: where,
          size: track.sizeBytes,
          created,
          modified: created,
          url: this.url(filename),
        });
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor && files.length < MAX_LISTED);
    return files.slice(0, MAX_LISTED);
  }

  /** The stored track a file name stands for (`<job id>-<n>.<format>`), if any. */
  async find(filename: string): Promise<Track | undefined> {
    if (!isPlainFileName(filename)) return undefined;
    const jobId = UUID.exec(filename)?.[1];
    if (!jobId) return undefined;
    const { tracks } = await this.backend.listTracks({ jobId, limit: 100 });
    return tracks.find((track) => fileNameOf(track) === filename);
  }

  /** The stored song's bytes, by file name; undefined when there is no such song. */
  async open(filename: string): Promise<TrackAudio | undefined> {
    const track = await this.find(filename);
    return track ? this.backend.openTrackAudio(track.id) : undefined;
  }

  /** A local path holding the file: the download folder's copy, fetched from storage when missing; null when none. */
  async serve(filename: string, downloadPath?: string | null): Promise<string | null> {
    if (!isPlainFileName(filename)) return null;
    const folder = downloadPath ?? this.downloadPath ?? path.join(os.tmpdir(), "producer-legacy-files");
    const local = path.resolve(folder, filename);
    if (fs.existsSync(local)) return local;
    const audio = await this.open(filename);
    if (!audio) return null;
    await writeCopy(audio.stream, local);
    return local;
  }

  /** Copies a finished job's songs into the download folder, as the earlier service downloaded them there. */
  async keep(job: Job): Promise<Map<string, string>> {
    const kept = new Map<string, string>();
    if (!this.downloadPath) return kept;
    for (const track of job.tracks) {
      const filename = fileNameOf(track);
      const local = path.resolve(this.downloadPath, filename);
      if (!fs.existsSync(local)) await writeCopy((await this.backend.openTrackAudio(track.id)).stream, local);
      kept.set(filename, local);
    }
    return kept;
  }
}
