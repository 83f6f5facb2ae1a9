import path from "node:path";
import { ProducerError } from "@producer/utils";
import { IMAGE_CONTENT_TYPES, imageKey, storeImage, type ImageFormat } from "./cover-image.js";
import type { JobInput } from "./generate-input.js";
import type { PipelineDeps } from "./pipeline.js";

/** What each track of a job records of its cover image: where it is, or why there is none. */
export interface CoverColumns {
  imageKey: string | null;
  imageUrl: string | null;
  imageError: string | null;
}

/**
 * A generation's cover image (`image: true` or `imagePrompt`), made after its songs: one image call on the
 * account that made them, the file checked and stored beside the audio. A cover that fails never fails the songs
 * (they are paid for and stored): its reason goes on each track as `imageError` and in the log. A retry finds a
 * cover it stored before (on the job's tracks or in storage) and never asks the site again.
 */
export async function coverImage(
  job: { jobId: string; input: JobInput; account: string | undefined; signal: AbortSignal },
  deps: PipelineDeps,
): Promise<CoverColumns | undefined> {
  const { jobId, input, signal } = job;
  if (!input.image) return undefined;
  const place = { jobId, userId: input.userId, projectId: input.projectId, prompt: input.image.prompt };
  const kept = await keptCover(job, deps);
  if (kept) {
    deps.logger.info({ jobId, key: kept.imageKey }, "the cover image was stored before; not made again");
    return kept;
  }
  try {
    if (!deps.generator.runTask) throw new Error("this daemon's site driver makes no images");
    const answer = await deps.generator.runTask(
      { kind: "image.create", prompt: input.image.prompt, aspect: "1:1" },
      {
        signal,
        downloadDir: path.join(deps.config.paths.downloadsDir, jobId, "cover"),
        ...(job.account ? { account: job.account } : {}),
      },
    );
    const filePath = String(answer.result.filePath ?? "");
    const stored = await storeImage(filePath, place, deps, signal);
    deps.logger.info({ jobId, key: stored.key, sizeBytes: stored.sizeBytes }, "cover image stored");
    return { imageKey: stored.key, imageUrl: stored.url, imageError: null };
  } catch (error) {
    if (signal.aborted) throw error;
    const code = ProducerError.isInstance(error) ? `${error.code}: ` : "";
    const imageError = `${code}${(error as Error).message}`;
    deps.logger.warn({ jobId, imageError }, "the cover image could not be made; the songs are kept without it");
    return { imageKey: null, imageUrl: null, imageError };
  }
}

/** The cover an earlier attempt stored: on the job's tracks, or (stored but not yet recorded) in storage. */
async function keptCover(
  job: { jobId: string; input: JobInput },
  deps: PipelineDeps,
): Promise<CoverColumns | undefined> {
  const recorded = (await deps.tracks.forJob(job.jobId)).find((track) => track.imageKey && track.imageUrl);
  if (recorded) return { imageKey: recorded.imageKey, imageUrl: recorded.imageUrl, imageError: null };
  const place = { jobId: job.jobId, userId: job.input.userId, projectId: job.input.projectId };
  for (const format of ["jpg", "png"] as ImageFormat[]) {
    const key = imageKey(place, format, deps.config);
    if (!(await deps.storage.head(key))) continue;
    // Stored, not yet recorded: the same bytes put again under the same key give its URL; the site is not asked.
    const body = await deps.storage.open(key);
    if (!body) continue;
    const object = await deps.storage.put(key, body, { contentType: IMAGE_CONTENT_TYPES[format] });
    return { imageKey: object.key, imageUrl: object.url, imageError: null };
  }
  return undefined;
}
