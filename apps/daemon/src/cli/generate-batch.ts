import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { isTerminal, type GenerateMusicInput, type Job, type ProducerClient } from "@producer/core/client";
import { json, print, tty } from "./output.js";
import { UsageError } from "./usage-error.js";

/** One line of a batch file: its job, or why it was not queued. */
export interface BatchLine {
  line: number;
  jobId?: string;
  error?: { code: string; message: string; fields?: unknown };
}

const POLL_MS = 1000;

/**
 * A line's generation: a JSON object of generation fields (over the command line's flags), a JSON string, or
 * plain text taken as the prompt. Blank lines and `#` comments are skipped (undefined).
 */
export function batchLineInput(text: string, defaults: Record<string, unknown>): GenerateMusicInput | undefined {
  const line = text.trim();
  if (line === "" || line.startsWith("#")) return undefined;
  let parsed: unknown = line;
  if (line.startsWith("{") || line.startsWith('"')) {
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new Error(`the line is not valid JSON (${(error as Error).message})`);
    }
  }
  if (typeof parsed === "string") return { ...defaults, prompt: parsed } as GenerateMusicInput;
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new Error("a line is a prompt or a JSON object of generation fields");
  return { ...defaults, ...parsed } as GenerateMusicInput;
}

/** A line's idempotency key under `prefix`: its number and its text, so a rerun of the same file queues nothing twice. */
const lineKey = (prefix: string, line: number, text: string) =>
  `${prefix}:${line}:${createHash("sha256").update(text.trim()).digest("hex").slice(0, 16)}`;

const errorOf = (error: unknown): NonNullable<BatchLine["error"]> => {
  const coded = error as { code?: unknown; message?: unknown; fields?: unknown };
  return {
    code: typeof coded.code === "string" ? coded.code : "INVALID_INPUT",
    message: typeof coded.message === "string" ? coded.message : String(error),
    ...(coded.fields ? { fields: coded.fields } : {}),
  };
};

/**
 * `producer generate --batch file.jsonl`: one job per line, each line's job id or its error by line number (a bad
 * line never stops the good ones); with --wait, the whole batch followed to its end. Exit 0 when every line was
 * queued (and, with --wait, succeeded), else 1.
 */
export async function runBatch(
  client: ProducerClient,
  file: string,
  options: { defaults: Record<string, unknown>; prefix?: string; wait: boolean; json: boolean },
): Promise<number> {
  let content: string;
  try {
    content = file === "-" ? await readStdin() : await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`Cannot read the batch file ${file}: ${(error as Error).message}`);
  }
  const results: BatchLine[] = [];
  for (const [index, text] of content.split(/\r?\n/).entries()) {
    const line = index + 1;
    try {
      const input = batchLineInput(text, options.defaults);
      if (!input) continue;
      const keyed =
        options.prefix && !input.idempotencyKey ? { idempotencyKey: lineKey(options.prefix, line, text) } : {};
      const queued = await client.generateMusic({ ...input, ...keyed, useQueue: true });
      results.push({ line, jobId: queued.jobId });
      if (!options.json) print(`line ${line}: queued ${queued.jobId}`);
    } catch (error) {
      const failure = { line, error: errorOf(error) };
      results.push(failure);
      if (!options.json) print(`line ${line}: ${failure.error.code} — ${failure.error.message}`);
    }
  }
  const refused = results.filter((result) => result.error).length;
  if (results.length === 0)
    throw new UsageError(`The batch file ${file} holds no generation (one prompt or JSON object a line).`);
  if (!options.json)
    print(`queued ${results.length - refused} of ${results.length} lines${refused ? ` (${refused} refused)` : ""}`);
  if (!options.wait) {
    if (options.json) json({ lines: results, queued: results.length - refused, refused });
    return refused > 0 ? 1 : 0;
  }
  const jobs = await followBatch(client, results, options.json);
  const failed = [...jobs.values()].filter((job) => job.status !== "succeeded").length;
  if (options.json) {
    const lines = results.map((result) => ({ ...result, ...(result.jobId ? { job: jobs.get(result.jobId) } : {}) }));
    json({ lines, queued: results.length - refused, refused, succeeded: jobs.size - failed, failed });
  } else print(`batch done: ${jobs.size - failed} succeeded, ${failed} failed, ${refused} refused`);
  return refused + failed > 0 ? 1 : 0;
}

/** Follows every queued job to its end: one progress line (a bar on a TTY), or a plain line as each job ends. */
async function followBatch(client: ProducerClient, lines: BatchLine[], quiet: boolean): Promise<Map<string, Job>> {
  const queued = lines.filter((line): line is BatchLine & { jobId: string } => line.jobId !== undefined);
  const ended = new Map<string, Job>();
  const started = Date.now();
  while (ended.size < queued.length) {
    let running = 0;
    for (const { line, jobId } of queued) {
      if (ended.has(jobId)) continue;
      const job = await client.getJob(jobId);
      if (!isTerminal(job.status)) {
        if (job.status !== "queued") running += 1;
        continue;
      }
      ended.set(jobId, job);
      if (quiet) continue;
      if (tty) process.stdout.write("\r\u001b[2K");
      const why = job.error ? `: ${job.error.code} — ${job.error.message}` : ` (${job.tracks.length} tracks)`;
      print(`line ${line}: ${job.status} ${jobId}${why}`);
    }
    if (!quiet && tty) process.stdout.write(`\r\u001b[2K${progressBar(ended, queued.length, running, started)}`);
    if (ended.size < queued.length) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  if (!quiet && tty) process.stdout.write("\n");
  return ended;
}

/** `[######----] 6/10 ended (5 succeeded, 1 failed), 2 running  42s` */
export function progressBar(ended: Map<string, Job>, total: number, running: number, started: number): string {
  const width = 24;
  const filled = total === 0 ? width : Math.round((ended.size / total) * width);
  const failed = [...ended.values()].filter((job) => job.status !== "succeeded").length;
  const seconds = Math.round((Date.now() - started) / 1000);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${ended.size}/${total} ended (${ended.size - failed} succeeded, ${failed} failed), ${running} running  ${seconds}s`;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
