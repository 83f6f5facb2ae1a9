import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import {
  generateMusicInputSchema,
  jobIdSchema,
  trackIdSchema,
  trackQuerySchema,
  type Job,
  type ProducerBackend,
  type QueuedResult,
} from "@producer/core";
import type { AccountReport } from "@producer/utils";
import { addDescribeTool } from "./describe-tool.js";
import { addImageTool } from "./image-tool.js";
import { addLibraryTidyTools } from "./library-tidy-tools.js";
import { addLyricsTool } from "./lyrics-tool.js";
import { addOperationTool } from "./operation-tool.js";
import { addUploadTool } from "./upload-tool.js";
import { answer, waitForJob, type Extra } from "./tool-answers.js";
import { accountText, jobText, summarizeJob, summarizeTrack, trackLine, type JobSummary } from "./summaries.js";

export interface McpToolsOptions {
  /** The queue: the daemon's service in the daemon, the daemon's client in `producer mcp`. */
  producer: ProducerBackend;
  /** Every account with its session, balance and wall. */
  accounts: () => Promise<AccountReport[]>;
  /** What one generation costs on the configured site, for the tools' descriptions. */
  site: { profile: string; creditsPerSong: number; songsPerGeneration: number };
  version: string;
  /** Where the daemon serves `/v1/tracks/:id/audio`, when an agent can reach it. */
  audioBase?: string;
  /** The longest a tool may wait for a job; a wait past it answers with the state so far. */
  maxWaitSecs?: number;
}

const DEFAULT_WAIT_SECS = 45;

const INSTRUCTIONS = `Generates music with ProducerAI through a durable queue. Every generation spends the account's credits.
Call generate_music once per song request (it answers at once with a job id), then wait_for_generation until the
job is done (each wait is bounded; call it again while done is false), then use the tracks it returns, or
list_tracks / get_track. Never call generate_music again for a request that is still running: it would be paid twice.
Pass an idempotencyKey to make a retried call safe.`;

/** The annotations of a tool that only reads the queue's own records. */
const READS_RECORDS = { readOnlyHint: true, openWorldHint: false } as const;

/** What the tools share: the queue, where songs are served, and how long a tool may wait. */
export interface ToolContext {
  producer: ProducerBackend;
  audioBase: string | undefined;
  maxWaitSecs: number;
  /** Seconds a tool may be asked to wait: whole, at most `maxWaitSecs`. */
  waitSecs: z.ZodNumber;
}

/** A job just queued, as a tool answers it: at once with its place in the queue, or after waiting `wait` seconds. */
export async function queuedAnswer(
  context: ToolContext,
  queued: QueuedResult,
  wait: number | undefined,
  extra: Extra,
): Promise<{ text: string; structured: object }> {
  if (!wait) {
    const summary = {
      jobId: queued.jobId,
      status: queued.status,
      position: queued.position,
      etaSecs: Math.round(queued.etaMs / 1000),
      reused: queued.reused,
    };
    const text = queued.reused
      ? `Job ${queued.jobId} was already asked for with this idempotency key; nothing new was queued.`
      : `Queued job ${queued.jobId} at position ${queued.position} (about ${summary.etaSecs} s). Call wait_for_generation with this jobId.`;
    return { text, structured: summary };
  }
  const job = await waitForJob(context.producer, queued.jobId, wait, extra);
  const summary = { ...summarizeJob(job, context.audioBase), reused: queued.reused };
  return { text: jobText(summary), structured: summary };
}

/** A job as a tool answers it: the summary as text and as structured content. */
function jobAnswer(job: Job, audioBase: string | undefined): { text: string; structured: JobSummary } {
  const summary = summarizeJob(job, audioBase);
  return { text: jobText(summary), structured: summary };
}

/**
 * The MCP server of the producer queue: ten tools over a `ProducerBackend`. The same server is served over
 * stdio by `producer mcp` (talking to the daemon through its client) and over Streamable HTTP at the daemon's
 * `/mcp` (talking to its service).
 */
export function createMcpServer(options: McpToolsOptions): McpServer {
  const maxWaitSecs = options.maxWaitSecs ?? 600;
  const server = new McpServer(
    { name: "producer", title: "ProducerAI music generation", version: options.version },
    { instructions: INSTRUCTIONS },
  );
  const context: ToolContext = {
    producer: options.producer,
    audioBase: options.audioBase,
    maxWaitSecs,
    waitSecs: z
      .number({ error: "must be a number of seconds" })
      .int("must be whole seconds")
      .min(0, "must be at least 0")
      .max(maxWaitSecs, `must be at most ${maxWaitSecs}`),
  };
  addGenerationTools(server, context, options.site);
  addOperationTool(server, context, options.site);
  addImageTool(server, context);
  addLyricsTool(server, context);
  addDescribeTool(server, context);
  addLibraryTidyTools(server, context);
  addUploadTool(server, context);
  addLibraryTools(server, context, options.accounts);
  return server;
}

/** generate_music, then get_generation, wait_for_generation, cancel_generation and retry_generation on its job. */
function addGenerationTools(server: McpServer, context: ToolContext, site: McpToolsOptions["site"]): void {
  const { producer, audioBase, maxWaitSecs, waitSecs } = context;
  const price = site.creditsPerSong * site.songsPerGeneration;
  const cost =
    price > 0
      ? `Costs ${price} credits of the account (${site.songsPerGeneration} songs at ${site.creditsPerSong} each on the ${site.profile} site)`
      : `Costs one generation's credits of the account (the ${site.profile} site's price)`;

  server.registerTool(
    "generate_music",
    {
      title: "Generate music",
      description: `${cost}; splitting stems (stems: true) is charged by the site too. Queues one generation and answers at once with the job id and its place in the queue (or waits up to waitSecs for it). A job that fails before its prompt reaches the site costs nothing; one that reached it is never sent twice. Follow it with wait_for_generation.`,
      inputSchema: generateMusicInputSchema.omit({ useQueue: true }).extend({
        waitSecs: waitSecs
          .optional()
          .describe(
            `Wait this long for the job to end before answering (0, the default, answers at once; at most ${maxWaitSecs}).`,
          ),
      }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    (args, extra) =>
      answer(async () => {
        const { waitSecs: wait, ...input } = args;
        const queued = (await producer.generateMusic({ ...input, useQueue: true })) as QueuedResult;
        return queuedAnswer(context, queued, wait, extra);
      }),
  );

  server.registerTool(
    "get_generation",
    {
      title: "Get a generation",
      description:
        "Free. The job's state now: queued (with its position), running (with its step), or done (with its songs, or its error).",
      inputSchema: z.strictObject({ jobId: jobIdSchema.describe("The jobId generate_music answered.") }),
      annotations: READS_RECORDS,
    },
    ({ jobId }) => answer(async () => jobAnswer(await producer.getJob(jobId), audioBase)),
  );

  server.registerTool(
    "wait_for_generation",
    {
      title: "Wait for a generation",
      description: `Free. Waits for the job to end, at most timeoutSecs (default ${DEFAULT_WAIT_SECS}, at most ${maxWaitSecs}), sending progress notifications as it goes; answers with the state so far when the time runs out (done: false): call it again then. Songs take minutes on the real site.`,
      inputSchema: z.strictObject({
        jobId: jobIdSchema.describe("The jobId generate_music answered."),
        timeoutSecs: waitSecs
          .min(1, "must be at least 1")
          .optional()
          .describe(`How long to wait (default ${DEFAULT_WAIT_SECS}).`),
      }),
      annotations: READS_RECORDS,
    },
    ({ jobId, timeoutSecs }, extra) =>
      answer(async () => {
        const { text, structured } = jobAnswer(
          await waitForJob(producer, jobId, timeoutSecs ?? DEFAULT_WAIT_SECS, extra),
          audioBase,
        );
        return { text: structured.done ? text : `${text}\nNot done yet: call wait_for_generation again.`, structured };
      }),
  );

  server.registerTool(
    "cancel_generation",
    {
      title: "Cancel a generation",
      description:
        "Cancels a job. A queued job, or one whose prompt has not reached the site, costs nothing; once the prompt was submitted the credits are spent, and cancelling only stops the download and storing of its songs. A job that already ended stays as it is.",
      inputSchema: z.strictObject({ jobId: jobIdSchema.describe("The job to cancel.") }),
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    ({ jobId }) => answer(async () => jobAnswer(await producer.cancel(jobId), audioBase)),
  );

  server.registerTool(
    "retry_generation",
    {
      title: "Retry a generation without paying again",
      description:
        "Free for a job marked recoverable (its prompt reached the site before it ended): fetches that submission's songs by their ids, stores them and never submits again. A job that ended before anything reached the site is run again only with resubmit: true, which spends credits like a new generation (10 on the flow-2026 site). A job that succeeded cannot be retried.",
      inputSchema: z.strictObject({
        jobId: jobIdSchema.describe("The ended job to retry."),
        resubmit: z
          .boolean()
          .optional()
          .describe("Submit the prompt again when nothing reached the site (spends credits)."),
      }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    ({ jobId, resubmit }) =>
      answer(async () => jobAnswer(await producer.retry(jobId, { resubmit: resubmit === true }), audioBase)),
  );
}

/** list_tracks and get_track (the stored songs), and account_status (the accounts and the queue). */
function addLibraryTools(server: McpServer, context: ToolContext, listAccounts: McpToolsOptions["accounts"]): void {
  const { producer, audioBase } = context;

  server.registerTool(
    "list_tracks",
    {
      title: "List stored songs",
      description:
        "Free. The stored songs, newest first, with their URLs and audio facts; narrow by project, user, job or account. Page with nextCursor.",
      inputSchema: trackQuerySchema.extend({
        limit: z
          .number()
          .int("must be a whole number")
          .min(1, "must be at least 1")
          .max(50, "must be at most 50")
          .optional()
          .describe("Songs per page (default 20)."),
      }),
      annotations: READS_RECORDS,
    },
    (query) =>
      answer(async () => {
        const page = await producer.listTracks({ ...query, limit: query.limit ?? 20 });
        const tracks = page.tracks.map((track) => summarizeTrack(track, audioBase));
        const text =
          tracks.length === 0
            ? "No stored songs match."
            : `${tracks.length} songs:\n${tracks.map(trackLine).join("\n")}${page.nextCursor ? "\nMore: pass cursor." : ""}`;
        return { text, structured: { tracks, nextCursor: page.nextCursor } };
      }),
  );

  server.registerTool(
    "get_track",
    {
      title: "Get a stored song",
      description:
        "Free. One stored song: its stored URL, the daemon's audio URL, and its audio facts (format, duration, sample rate, channels, bitrate, size, SHA-256).",
      inputSchema: z.strictObject({ trackId: trackIdSchema.describe("A trackId from get_generation or list_tracks.") }),
      annotations: READS_RECORDS,
    },
    ({ trackId }) =>
      answer(async () => {
        const track = summarizeTrack(await producer.getTrack(trackId), audioBase);
        const text = `"${track.title}": ${track.durationSecs.toFixed(1)} s ${track.format}, ${track.sampleRate} Hz, ${track.channels} channels, ${track.sizeBytes} bytes, sha256 ${track.sha256}\n${track.audioUrl ?? track.url}`;
        return { text, structured: track };
      }),
  );

  server.registerTool(
    "account_status",
    {
      title: "Accounts and queue",
      description:
        "Free. Each ProducerAI account (signed in, session time left, credit balance, wall and its reason, jobs running) and the queue (depth, running, whether it is paused and why).",
      inputSchema: z.strictObject({}),
      annotations: READS_RECORDS,
    },
    () =>
      answer(async () => {
        const [accounts, queue] = await Promise.all([listAccounts(), producer.status()]);
        const paused = queue.paused ? `paused (${queue.paused.code}: ${queue.paused.reason})` : "running";
        const text = [
          `Queue ${paused}: ${queue.queueDepth} queued, ${queue.activeJobs} running.`,
          ...accounts.map(accountText),
        ].join("\n");
        return { text, structured: { accounts, queue } };
      }),
  );
}
