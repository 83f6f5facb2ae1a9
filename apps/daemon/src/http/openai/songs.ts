import type { Job, Track } from "@producer/core";
import type { ProducerExtension } from "./shapes.js";

/** One line for where the job is now, or undefined when there is nothing to say of it. */
export function progressLine(job: Job): string | undefined {
  switch (job.status) {
    case "queued":
      if (job.waiting) return `Waiting: ${job.waiting.reason}`;
      return job.position ? `Queued (position ${job.position}).` : "Queued.";
    case "generating":
      switch (job.progress?.stage) {
        case "submitted":
          return "Submitted to the site.";
        case "replying":
          return "The site is replying.";
        case "downloading":
          return downloadingLine(job);
        default:
          return "Generating…";
      }
    case "downloading":
      return downloadingLine(job);
    case "uploading":
      return "Storing the audio…";
    case "recording":
      return "Recording the tracks…";
    default:
      return undefined;
  }
}

const downloadingLine = (job: Job) =>
  job.progress?.songNumber && job.progress.songCount
    ? `Downloading song ${job.progress.songNumber} of ${job.progress.songCount}…`
    : "Downloading…";

const duration = (seconds: number) => {
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
};

const size = (bytes: number) =>
  bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : `${(bytes / 1000).toFixed(1)} kB`;

/** Markdown link text: the brackets and backslashes of a title would end the link early. */
const linkText = (text: string) => text.replace(/[\\[\]]/g, (character) => `\\${character}`);

const trackTitle = (track: Track) => (track.stem ? `${track.title} (${track.stem})` : track.title);

/** Where the job and its songs are, on the origin the request came to. */
export function producerExtension(job: Job, origin: string): ProducerExtension {
  return {
    jobId: job.id,
    status: job.status,
    completed: job.status === "succeeded",
    jobUrl: `${origin}/v1/generations/${job.id}`,
    tracks: job.tracks.map((track) => ({
      id: track.id,
      title: trackTitle(track),
      url: `${origin}/v1/tracks/${track.id}/audio`,
      format: track.format,
      durationSecs: track.durationSecs,
      sizeBytes: track.sizeBytes,
      sha256: track.sha256,
    })),
  };
}

/** The songs of a job that succeeded, as a markdown list of links to their audio and their facts. */
export function songsMarkdown(extension: ProducerExtension): string {
  const count = extension.tracks.length;
  const lines = extension.tracks.map(
    (track, index) =>
      `${index + 1}. [${linkText(track.title)}](${track.url}) — ${duration(track.durationSecs)}, ${track.format}, ${size(track.sizeBytes)}`,
  );
  return [`Made ${count} ${count === 1 ? "song" : "songs"} (job \`${extension.jobId}\`):`, "", ...lines].join("\n");
}

/** What a non-streamed answer says of a job still running past the wait. */
export const stillRunningText = (extension: ProducerExtension) =>
  `The job \`${extension.jobId}\` is still ${extension.status === "queued" ? "queued" : "running"} (${extension.status}); follow it at ${extension.jobUrl} — its songs will be linked there once it succeeds.`;
