import { stat } from "node:fs/promises";
import { parseArgs } from "node:util";
import {
  isTerminal,
  type GenerateMusicInput,
  type GenerateMusicResult,
  type Job,
  type ProducerClient,
} from "@producer/core/client";
import type { Command } from "./command.js";
import { daemonClient } from "./daemon-client.js";
import { describeTrack, jobDetails } from "./describe.js";
import { flagOptions, valueOptions } from "./options.js";
import { json, print, tty } from "./output.js";
import { UsageError } from "./usage-error.js";

/** Pauses that need a person (sign in again, solve a challenge, buy credits): waiting will not end them. */
const NEEDS_A_PERSON = new Set(["SESSION_EXPIRED", "SESSION_REVOKED", "CHALLENGE", "QUOTA_EXHAUSTED", "LOGIN_FAILED"]);

export const GENERATE_OPTIONS = {
  ...valueOptions(
    "title",
    "project",
    "user",
    "format",
    "lyrics",
    "mode",
    "model",
    "bpm",
    "duration-secs",
    "seed",
    "priority",
  ),
  ...valueOptions("idempotency-key", "account", "pause-timeout"),
  ...valueOptions("lyrics-prompt", "batch", "idempotency-prefix"),
  ...valueOptions("image-prompt", "reference"),
  ...flagOptions("instrumental", "stems", "image", "describe", "direct", "wait", "json"),
};

/** A number flag as given; a word stays a word, so the daemon's validation names the field. */
export const numberOrText = (value: string) => (/^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value);

export function generateInput(
  values: Record<string, string | boolean | undefined>,
  prompt: string,
): GenerateMusicInput {
  const text = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
  const input: Record<string, unknown> = { prompt, useQueue: !values.direct };
  const strings: Array<[string, string]> = [
    ["title", "title"],
    ["project", "projectId"],
    ["user", "userId"],
    ["format", "format"],
    ["lyrics", "lyrics"],
    ["lyrics-prompt", "lyricsPrompt"],
    ["mode", "mode"],
    ["model", "model"],
    ["idempotency-key", "idempotencyKey"],
    ["account", "account"],
    ["image-prompt", "imagePrompt"],
    ["reference", "referenceClipId"],
  ];
  for (const [flag, field] of strings) if (text(flag) !== undefined) input[field] = text(flag);
  const numbers: Array<[string, string]> = [
    ["bpm", "bpm"],
    ["duration-secs", "durationSecs"],
    ["seed", "seed"],
    ["priority", "priority"],
  ];
  for (const [flag, field] of numbers) if (text(flag) !== undefined) input[field] = numberOrText(text(flag) as string);
  if (values.instrumental) input.instrumental = true;
  if (values.stems) input.stems = true;
  if (values.image) input.image = true;
  if (values.describe) input.describe = true;
  return input as GenerateMusicInput;
}

export class PausedExit extends Error {
  constructor(
    readonly job: Job,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Follows a job to its end, a line per change. While the queue is paused by a session problem the job's status
 * says so at once; after `pauseTimeoutMs` the command stops with `PausedExit`, the job left queued.
 */
export async function follow(
  api: ProducerClient,
  jobId: string,
  options: { asJson: boolean; pauseTimeoutMs: number },
): Promise<Job> {
  const started = Date.now();
  let last: Job | undefined;
  let pausedSince: number | undefined;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    for await (const job of api.events(jobId, { signal: controller.signal })) {
      last = job;
      if (job.waiting) {
        if (pausedSince === undefined) {
          pausedSince = Date.now();
          if (!options.asJson) {
            if (tty) process.stdout.write("\n");
            print(`  waiting: the queue is paused (${job.waiting.code}): ${job.waiting.reason}`);
          }
          const waitMs = NEEDS_A_PERSON.has(job.waiting.code)
            ? options.pauseTimeoutMs
            : Math.max(options.pauseTimeoutMs, 60_000);
          timer = setTimeout(() => controller.abort(), waitMs);
        }
        continue;
      }
      if (pausedSince !== undefined) {
        pausedSince = undefined;
        clearTimeout(timer);
      }
      if (options.asJson) continue;
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const line = `  ${job.status.padEnd(11)}${job.progress ? ` ${job.progress.stage}${job.progress.songNumber ? ` ${job.progress.songNumber}/${job.progress.songCount}` : ""}` : ""}  ${seconds}s`;
      if (tty) process.stdout.write(`\r\u001b[2K${line}`);
      else print(line);
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
  }
  if (tty && !options.asJson) process.stdout.write("\n");
  const job = last ?? (await api.getJob(jobId));
  if (controller.signal.aborted && job.waiting) {
    throw new PausedExit(
      job,
      `Job ${job.id} stays queued: the queue is paused (${job.waiting.code}). Fix the session (\`producer session init\` or \`producer session import <cookies.json>\`; for credits, wait for them or add some); the daemon then resumes by itself. Follow it with \`producer job ${job.id}\`.`,
    );
  }
  return job;
}

async function generate(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: GENERATE_OPTIONS });
  const prompt = positionals.join(" ").trim();
  if (!prompt && values.batch === undefined)
    throw new UsageError('producer generate needs a prompt: producer generate "a happy pop song"');
  const pauseTimeoutSecs = pauseTimeoutOf(values);
  const client = await daemonClient();
  await uploadReference(client, values);
  if (values.batch !== undefined) return generateBatch(values, positionals);
  return reportSubmission(client, await client.generateMusic(generateInput(values, prompt)), values, pauseTimeoutSecs);
}

/**
 * `--reference` names a clip, or a file on this machine: the file is uploaded first (its vocals kept, as a reference
 * track has them) and the new clip, on the account it went to, is the reference.
 */
async function uploadReference(client: ProducerClient, values: Record<string, string | boolean | undefined>) {
  const reference = values.reference;
  if (typeof reference !== "string" || !(await isFile(reference))) return;
  const { result, account } = await client.uploadAudio({
    file: reference,
    keepVocals: true,
    ...(typeof values.account === "string" ? { account: values.account } : {}),
  });
  process.stderr.write(`uploaded ${reference} as clip ${result.clipId}${account ? ` (account ${account})` : ""}\n`);
  values.reference = result.clipId;
  if (account && values.account === undefined) values.account = account;
}

const isFile = (candidate: string) =>
  stat(candidate).then(
    (found) => found.isFile(),
    () => false,
  );

/** `--batch file.jsonl`: one job per line, the command line's other flags the defaults of every line. */
async function generateBatch(values: Record<string, string | boolean | undefined>, positionals: string[]) {
  if (positionals.length > 0 || values.direct)
    throw new UsageError("producer generate --batch FILE takes no prompt and no --direct: each line is a generation.");
  const { prompt: _prompt, useQueue: _useQueue, ...defaults } = generateInput(values, "") as Record<string, unknown>;
  const { runBatch } = await import("./generate-batch.js");
  return runBatch(await daemonClient(), values.batch as string, {
    defaults,
    ...(typeof values["idempotency-prefix"] === "string" ? { prefix: values["idempotency-prefix"] } : {}),
    wait: Boolean(values.wait),
    json: Boolean(values.json),
  });
}

/** `--pause-timeout` in seconds (0 when absent). */
export function pauseTimeoutOf(values: Record<string, unknown>): number {
  const pauseTimeoutSecs = Number(values["pause-timeout"] ?? 0);
  if (!Number.isFinite(pauseTimeoutSecs) || pauseTimeoutSecs < 0)
    throw new UsageError("--pause-timeout takes seconds (0 or more).");
  return pauseTimeoutSecs;
}

/**
 * Says what became of a submitted job (a generation or an operation): queued, or — with --wait or --direct —
 * followed to its end and its tracks listed. Resolves to the exit code.
 */
export async function reportSubmission(
  client: ProducerClient,
  result: GenerateMusicResult,
  values: { wait?: boolean; direct?: boolean; json?: boolean },
  pauseTimeoutSecs: number,
): Promise<number> {
  if (!values.wait && !values.direct) {
    if (values.json) json(result);
    else print(`queued ${result.jobId} (position ${"position" in result ? result.position : "?"})`);
    return 0;
  }
  if (!values.json) print(`job ${result.jobId}`);
  let job: Job;
  try {
    job =
      "job" in result && isTerminal(result.job.status)
        ? result.job
        : await follow(client, result.jobId, { asJson: Boolean(values.json), pauseTimeoutMs: pauseTimeoutSecs * 1000 });
  } catch (error) {
    if (!(error instanceof PausedExit)) throw error;
    if (values.json) json(error.job);
    process.stderr.write(`producer: ${error.message}\n`);
    return 4;
  }
  if (values.json) json(job);
  else if (job.status === "succeeded") for (const track of job.tracks) print(`  ${describeTrack(track)}`);
  else {
    print(`  ${job.status}${job.error ? `: ${job.error.code} — ${job.error.message}` : ""}`);
    for (const line of jobDetails(job)) print(line);
  }
  return job.status === "succeeded" ? 0 : 1;
}

export const generateCommand: Command = {
  name: "generate",
  help: `producer generate "<prompt>" [options] — submit a generation to the daemon

Options (each a control of the site; a control the site profile lacks is refused before anything is sent):
  --title T            the songs' title                  --lyrics TEXT        lyrics to sing
  --lyrics-prompt P    instead of --lyrics: the site writes lyrics about P first (kept on the job and tracks)
  --instrumental       no vocals                         --mode compose|chat  compose panel (default) or chat
  --model ID           e.g. lyria-3.5, lyria-3-pro       --bpm N              tempo
  --duration-secs N    song length (Auto when absent)    --seed N             seed
  --stems              also store vocals, drums, bass and other as tracks
  --reference CLIP|FILE  a new song with this clip of the library (or this audio file, uploaded first with its
                       vocals kept) as its reference track, asked by chat; runs on the account holding the clip
  --describe           also keep each song's caption and sung lyrics on its track (producer describe; little or
                       no cost), so producer tracks --search finds it
  --image              also make one cover image, stored beside the songs and linked from each track (a
                       failed cover keeps the songs and says why)    --image-prompt P   what the cover shows
  --format wav|mp3|m4a --project P  --user U  --priority N  --idempotency-key K
  --account NAME       run on this account (of several); walled, the job waits for it
  --direct             run now instead of queueing
  --wait               follow the job to the end
  --pause-timeout S    with --wait: how long to wait while the queue is paused by a session problem before
                       exiting with code 4 (the job stays queued); default 0, i.e. say so and exit at once
  --json               machine-readable output
  --batch FILE.jsonl   one job per line (a prompt, or a JSON object of generation fields over these flags; "-"
                       reads stdin); each line's job id or error by line number; --wait follows the whole batch
  --idempotency-prefix K   with --batch: each line keyed by K, its number and its text, so a rerun queues nothing twice`,
  run: generate,
};
