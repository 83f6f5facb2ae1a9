import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import type { ProducerConfig } from "@producer/config";
import { DownloadFailedError, type Storage, type StoredObject } from "@producer/utils";
import { storageKeyFor } from "./storage-key-for.js";

/** The image formats kept, told by the file's first bytes. */
export type ImageFormat = "jpg" | "png";

export const IMAGE_CONTENT_TYPES: Record<ImageFormat, string> = { jpg: "image/jpeg", png: "image/png" };

/** A stored image: where it is, and what it is. */
export interface StoredImage {
  key: string;
  url: string;
  format: ImageFormat;
  sizeBytes: number;
  sha256: string;
}

/** The format of an image's bytes — JPEG `FF D8 FF`, PNG `89 50 4E 47` — or undefined for anything else. */
export function imageFormatOf(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpg";
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "png";
  return undefined;
}

/** Where an image is kept: a job's cover beside its songs (`<job>-cover.<format>`), a lone image in its own folder. */
export interface ImagePlace {
  /** The job whose songs it covers; absent for an image made alone. */
  jobId?: string;
  /** The id of an image made alone (its folder and name). */
  imageId?: string;
  userId?: string;
  projectId?: string;
}

/** The storage key of an image, in the same layout as the songs' (the audio template when user and project are known). */
export function imageKey(place: ImagePlace, format: ImageFormat, config: ProducerConfig): string {
  const id = place.jobId ?? (place.imageId as string);
  const filename = place.jobId ? `${place.jobId}-cover.${format}` : `${id}.${format}`;
  return storageKeyFor(config, place, { generation_id: id, job_id: id, format, filename });
}

/**
 * Stores a fetched image: its first bytes must be a JPEG or a PNG (checked again here, whatever the driver said),
 * then its bytes go to storage with their sha256 and the prompt as metadata.
 */
export async function storeImage(
  filePath: string,
  place: ImagePlace & { prompt: string },
  deps: { config: ProducerConfig; storage: Storage },
  signal?: AbortSignal,
): Promise<StoredImage> {
  const bytes = await fs.readFile(filePath);
  const format = imageFormatOf(bytes);
  if (!format) {
    throw new DownloadFailedError(
      `The fetched image is no JPEG or PNG (first bytes ${bytes.subarray(0, 4).toString("hex")}).`,
      {
        details: { step: "download", sizeBytes: bytes.length },
      },
    );
  }
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const metadata: Record<string, string> = { prompt: place.prompt, format, sha256 };
  if (place.jobId) metadata["job-id"] = place.jobId;
  const object: StoredObject = await deps.storage.put(imageKey(place, format, deps.config), bytes, {
    contentType: IMAGE_CONTENT_TYPES[format],
    metadata,
    ...(signal ? { signal } : {}),
  });
  return { key: object.key, url: object.url, format, sizeBytes: bytes.length, sha256 };
}
