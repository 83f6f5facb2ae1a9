import type { Job, Track } from "@producer/core/client";

export function describeTrack(track: Track): string {
  // Tracks from a daemon older than the lineage columns carry no `operation`.
  const lineage =
    track.operation === "reference"
      ? `with reference ${track.sourceClipId}`
      : track.operation
        ? `${track.operation} of ${track.sourceTrackId ?? track.sourceClipId}`
        : undefined;
  // A generation with a cover links it from each track, or says why it could not be made.
  const cover = track.imageKey
    ? `cover ${track.imageKey}`
    : track.imageError
      ? `no cover: ${track.imageError}`
      : undefined;
  // A described song says what it holds on a line of its own; one that could not be described says why.
  const undescribed = track.describeError ? `not described: ${track.describeError}` : undefined;
  const facts = [lineage, track.stem ? `stem ${track.stem}` : undefined, track.model ?? undefined, cover, undescribed]
    .filter(Boolean)
    .join(", ");
  const caption = track.caption ? `\n    ${track.caption}` : "";
  return `${track.storage.key}  ${track.durationSecs.toFixed(2)} s  sha256 ${track.sha256}${facts ? `  (${facts})` : ""}${caption}`;
}

export function describeJob(job: Job): string {
  const progress = job.progress
    ? ` (${job.progress.stage}${job.progress.songNumber ? ` ${job.progress.songNumber}/${job.progress.songCount}` : ""})`
    : "";
  const error = job.error ? ` — ${job.error.code}: ${job.error.message}` : "";
  const waiting = job.waiting ? ` — waiting: the queue is paused (${job.waiting.code})` : "";
  const recoverable = job.recoverable
    ? " — recoverable: `producer job retry` fetches its songs without paying again"
    : "";
  return `${job.id}  ${job.status}${progress}  attempts ${job.attempts}  ${JSON.stringify(job.input.prompt.slice(0, 50))}${error}${waiting}${recoverable}`;
}

/** The lines under a job: why it waits, what its error knew, what was submitted to the site. */
export function jobDetails(job: Job): string[] {
  const lines: string[] = [];
  if (job.waiting) lines.push(`  waiting since ${job.waiting.since}: ${job.waiting.reason}`);
  const details = job.error?.details;
  if (details) {
    for (const key of ["step", "locator", "songNumber", "errorType", "expectedFormat", "foundFormat"]) {
      if (details[key] !== undefined && details[key] !== null) lines.push(`  ${key}: ${String(details[key])}`);
    }
    const artifacts = details.artifacts as Record<string, string> | undefined;
    for (const [kind, file] of Object.entries(artifacts ?? {})) lines.push(`  ${kind}: ${file}`);
  }
  if (job.submission) {
    const ids = job.submission.clipIds?.length ? `, songs ${job.submission.clipIds.join(", ")}` : "";
    lines.push(
      `  submitted ${job.submission.submittedAt} (${job.submission.state}${job.submission.siteJobId ? `, site job ${job.submission.siteJobId}` : ""}${ids})`,
    );
  }
  if (job.recovery) lines.push(`  ${job.recovery.message}`);
  return lines;
}
