import type { SiteTaskInput, SiteTaskResult } from "../site-tasks/run-site-task.js";
import { SiteTasks } from "../site-tasks/site-tasks.js";
import type { UploadAudioAnswer, UploadAudioInput } from "../site-tasks/upload-input.js";
import { uploadForm } from "./upload-form.js";
import type { LibraryInput, LibraryListing } from "../song-library.js";
import { abortReason, readSecretFile, TimeoutError } from "@producer/utils/errors";
import type { AccountReport } from "@producer/utils";
import type { GenerateMusicInput } from "../generate-input.js";
import type { OperateInput } from "../operation-input.js";
import { isTerminal, type GenerateMusicResult, type Job, type JobStatus, type Track } from "../job.js";
import type { ProducerBackend, QueueStatus, SessionReport, TrackAudio, TrackQuery } from "../producer-backend.js";
import { requestJson, requestStream, streamEvents, type Endpoint } from "./http-transport.js";

export interface ProducerClientOptions {
  /** The daemon's Unix socket; the configured `daemon.socketPath` by default. */
  socketPath?: string;
  /** Reach the daemon over TCP instead, e.g. `http://127.0.0.1:7300`. */
  baseUrl?: string;
  /**
   * The daemon's bearer token; `PRODUCER_DAEMON_TOKEN` by default, else (over TCP) the token a daemon of the
   * configured data dir keeps in `<dataDir>/daemon-token`.
   */
  token?: string;
  /** How long one request may take (not counting `wait`). */
  timeoutMs?: number;
}

/** `generateMusic` over the daemon, plus `wait`: how long the daemon may hold the answer for the finished job. */
export type ClientGenerateInput = GenerateMusicInput & { wait?: boolean | number };

const encode = encodeURIComponent;
/** How long a task (an upload and its check, an image) may take before the client stops waiting. */
const TASK_WAIT_MS = 600_000;

/**
 * The configured daemon settings. The configuration loads only when a client needs it (no socket or URL given),
 * so a client that is told where the daemon is, or that is never used, does not pay for loading it.
 */
async function configuredDaemon() {
  const { loadConfig } = await import("@producer/config");
  return loadConfig().config.daemon;
}

/** The token a daemon of the configured data dir made for TCP; none when there is none or no configuration. */
async function savedToken(): Promise<string | undefined> {
  try {
    return readSecretFile((await configuredDaemon()).tokenFile);
  } catch {
    return undefined;
  }
}

/**
 * The typed client of the producer daemon: the same `generateMusic` as `ProducerService`, over the daemon's Unix
 * socket (or TCP). Errors come back as the same `ProducerError` classes the daemon threw.
 *
 * @example
 * ```ts
 * import { producer } from "@producer/core";
 * const job = await producer.generateMusic({ prompt: "Create a happy pop song", useQueue: true });
 * for await (const update of producer.events(job.jobId)) console.log(update.status);
 * ```
 */
export class ProducerClient extends SiteTasks implements ProducerBackend {
  private endpoint: Endpoint | undefined;

  constructor(private readonly options: ProducerClientOptions = {}) {
    super();
  }

  /** Resolved on first use, so creating a client never touches the disk. */
  private async resolveEndpoint(): Promise<Endpoint> {
    if (this.endpoint) return this.endpoint;
    let socketPath = this.options.socketPath;
    if (!socketPath && !this.options.baseUrl) socketPath = (await configuredDaemon()).socketPath;
    // Over TCP, a daemon with no configured token made one in its data dir: the same user's client reads it there.
    const token =
      this.options.token ??
      (process.env.PRODUCER_DAEMON_TOKEN || undefined) ??
      (this.options.baseUrl ? await savedToken() : undefined);
    this.endpoint = {
      ...(socketPath ? { socketPath } : {}),
      ...(this.options.baseUrl ? { baseUrl: this.options.baseUrl } : {}),
      ...(token ? { token } : {}),
    };
    return this.endpoint;
  }

  private async call<T>(
    method: "GET" | "POST" | "DELETE",
    path: string,
    body?: unknown,
    extraMs = 0,
  ): Promise<{ status: number; body: T }> {
    return requestJson<T>(await this.resolveEndpoint(), {
      method,
      path,
      ...(body === undefined ? {} : { body }),
      timeoutMs: (this.options.timeoutMs ?? 30_000) + extraMs,
    });
  }

  async generateMusic(input: ClientGenerateInput): Promise<GenerateMusicResult> {
    const waitMs = input.wait === true ? 600_000 : typeof input.wait === "number" ? input.wait : 0;
    const longest = input.useQueue === false ? 3_600_000 : waitMs;
    return (await this.call<GenerateMusicResult>("POST", "/v1/generations", input, longest)).body;
  }

  /** Does something to a song that exists (extend, replace, cover, stems, trim, speed, convert): a job, as a generation is. */
  async operate(input: OperateInput & { wait?: boolean | number }): Promise<GenerateMusicResult> {
    const waitMs = input.wait === true ? 600_000 : typeof input.wait === "number" ? input.wait : 0;
    const longest = input.useQueue === false ? 3_600_000 : waitMs;
    return (await this.call<GenerateMusicResult>("POST", "/v1/operations", input, longest)).body;
  }

  /** One page of an account's library on the site (`GET /v1/library`), each song with its track here, if any. */
  async library(input: LibraryInput = {}): Promise<LibraryListing> {
    return (await this.call<LibraryListing>("GET", `/v1/library${query({ ...input })}`)).body;
  }

  /**
   * Uploads one's own audio to the daemon as multipart (`POST /v1/uploads`: `file`, `filename`, `removeVocals`,
   * `keepVocals`, `account`), which sends it to the site and waits for its check; see `SiteTasks.uploadAudio`.
   */
  override async uploadAudio(input: UploadAudioInput): Promise<UploadAudioAnswer> {
    const { bytes, contentType } = await uploadForm(input);
    const answer = await requestJson<UploadAudioAnswer>(await this.resolveEndpoint(), {
      method: "POST",
      path: "/v1/uploads",
      raw: { bytes, contentType },
      timeoutMs: (this.options.timeoutMs ?? 30_000) + TASK_WAIT_MS,
    });
    return answer.body;
  }

  /** Runs one task that is not a song on the site now (`POST /v1/tasks`); see `SiteTasks`. */
  async runTask(input: SiteTaskInput): Promise<SiteTaskResult> {
    return (await this.call<SiteTaskResult>("POST", "/v1/tasks", input, TASK_WAIT_MS)).body;
  }

  async getJob(id: string): Promise<Job> {
    return (await this.call<Job>("GET", `/v1/generations/${encode(id)}`)).body;
  }

  async cancel(id: string): Promise<Job> {
    return (await this.call<Job>("DELETE", `/v1/generations/${encode(id)}`)).body;
  }

  /** Runs an ended job again: a recoverable one from its submission (nothing paid again); `resubmit` submits anew. */
  async retry(id: string, options: { resubmit?: boolean } = {}): Promise<Job> {
    return (await this.call<Job>("POST", `/v1/jobs/${encode(id)}/retry`, options.resubmit ? { resubmit: true } : {}))
      .body;
  }

  async listJobs(
    options: { status?: JobStatus; limit?: number; cursor?: string } = {},
  ): Promise<{ jobs: Job[]; nextCursor: string | null }> {
    return (await this.call<{ jobs: Job[]; nextCursor: string | null }>("GET", `/v1/generations${query(options)}`))
      .body;
  }

  async listTracks(options: TrackQuery = {}): Promise<{ tracks: Track[]; nextCursor: string | null }> {
    return (await this.call<{ tracks: Track[]; nextCursor: string | null }>("GET", `/v1/tracks${query(options)}`)).body;
  }

  async getTrack(id: string): Promise<Track> {
    return (await this.call<Track>("GET", `/v1/tracks/${encode(id)}`)).body;
  }

  /** The stored song's bytes, streamed from the daemon's storage. */
  async openTrackAudio(id: string): Promise<TrackAudio> {
    const track = await this.getTrack(id);
    const { contentType, stream } = await requestStream(await this.resolveEndpoint(), {
      method: "GET",
      path: `/v1/tracks/${encode(id)}/audio`,
      timeoutMs: this.options.timeoutMs ?? 30_000,
    });
    return { track, contentType, stream };
  }

  /** A one-time link that signs the status page in (asked over the socket: its owner alone). */
  async signInLink(): Promise<{ url: string; expiresAt: string }> {
    return (await this.call<{ url: string; expiresAt: string }>("POST", "/v1/sign-in-links")).body;
  }

  async session(options: { force?: boolean } = {}): Promise<SessionReport> {
    return (
      await (options.force
        ? this.call<SessionReport>("POST", "/v1/session/check")
        : this.call<SessionReport>("GET", "/v1/session"))
    ).body;
  }

  /** Every account the daemon generates with: signed in, balance, wall, jobs running. */
  async listAccounts(): Promise<AccountReport[]> {
    return (await this.call<{ accounts: AccountReport[] }>("GET", "/v1/accounts")).body.accounts;
  }

  /** Stops giving an account new jobs (`resume` to undo; `unwall` takes it from behind a wall now). */
  async accountAction(name: string, action: "pause" | "resume" | "unwall"): Promise<AccountReport> {
    return (await this.call<{ account: AccountReport }>("POST", `/v1/accounts/${encode(name)}/${action}`)).body.account;
  }

  /** The queue: jobs by status, depth, whether a session problem pauses it. */
  async status(): Promise<QueueStatus> {
    return (await this.call<QueueStatus>("GET", "/v1/queue")).body;
  }

  /** Whether the daemon answers at all. */
  async health(): Promise<{ ok: boolean }> {
    return (await this.call<{ ok: boolean }>("GET", "/healthz")).body;
  }

  /** The queued jobs in the order they will run, each with its `position`. */
  async upNext(options: { limit?: number } = {}): Promise<Job[]> {
    return (await this.call<{ jobs: Job[] }>("GET", `/v1/queue/jobs${query(options)}`)).body.jobs;
  }

  /** Every change of the job until it ends (the daemon's Server-Sent Events); `events` by another name. */
  watchJob(id: string, options: { signal?: AbortSignal } = {}): AsyncGenerator<Job> {
    return this.events(id, options);
  }

  /** Every change of the job, as Server-Sent Events, until it ends. */
  async *events(id: string, options: { signal?: AbortSignal } = {}): AsyncGenerator<Job> {
    for await (const message of streamEvents(await this.resolveEndpoint(), {
      method: "GET",
      path: `/v1/generations/${encode(id)}/events`,
      ...(options.signal ? { signal: options.signal } : {}),
    })) {
      if (message.event === "job") {
        const job = message.data as Job;
        yield job;
        if (isTerminal(job.status)) return;
      }
    }
  }

  /** Resolves once the job has ended; rejects with `TIMEOUT` past `timeoutMs`. */
  async waitForJob(id: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Job> {
    const timeoutMs = options.timeoutMs ?? 30 * 60_000;
    const controller = new AbortController();
    const timer = setTimeout(
      () =>
        controller.abort(new TimeoutError(`Job ${id} did not end within ${timeoutMs} ms.`, { details: { jobId: id } })),
      timeoutMs,
    );
    const onAbort = () => controller.abort(abortReason(options.signal as AbortSignal));
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      let last: Job | undefined;
      try {
        for await (const job of this.events(id, { signal: controller.signal })) last = job;
      } catch (error) {
        // The daemon holds as many event streams as it keeps: follow the job by asking instead.
        if ((error as { code?: unknown }).code !== "RATE_LIMITED") throw error;
        return await this.pollJob(id, controller.signal);
      }
      if (last && isTerminal(last.status)) return last;
      return await this.getJob(id);
    } catch (error) {
      if (controller.signal.aborted) throw abortReason(controller.signal);
      throw error;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Asks for the job every second until it has ended (or `signal` aborts). */
  private async pollJob(id: string, signal: AbortSignal): Promise<Job> {
    for (;;) {
      const job = await this.getJob(id);
      if (isTerminal(job.status)) return job;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        signal.addEventListener(
          "abort",
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
      if (signal.aborted) throw abortReason(signal);
    }
  }
}

function query(options: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(options) as Array<[string, unknown]>)
    if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** A client of the daemon on this machine's default socket: the seed's `producer.generateMusic(…)` works as written. */
export const producer = new ProducerClient();
