import type { Job } from "@producer/core";

/** Now, in Unix seconds with a fraction (the earlier service's `time.time()`). */
export const nowSeconds = (): number => Date.now() / 1000;

/** An ISO time in Unix seconds, or null. */
export function toSeconds(iso: string): number;
export function toSeconds(iso: string | null): number | null;
export function toSeconds(iso: string | null): number | null {
  return iso === null ? null : Date.parse(iso) / 1000;
}

/**
 * The earlier `clip_<unix seconds>` / `gen_<unix seconds>` ids, made unique: the job's creation second, then its id
 * without dashes, so two requests in one second never share one and the id leads back to the request.
 */
export function generationId(prefix: "clip" | "gen", job: Pick<Job, "id" | "createdAt">): string {
  return `${prefix}_${Math.floor(Date.parse(job.createdAt) / 1000)}_${job.id.replaceAll("-", "")}`;
}

/** The job id a `clip_…` / `gen_…` id (or a plain job id) stands for. */
export function jobIdOf(id: string): string {
  const match = /^(?:clip|gen)_\d+_([0-9a-f]{32})$/.exec(id);
  if (!match?.[1]) return id;
  const hex = match[1];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The earlier numbered window / tab: there are none any more, so it names the job. */
export const windowId = (jobId: string): string => `job-${jobId}`;
