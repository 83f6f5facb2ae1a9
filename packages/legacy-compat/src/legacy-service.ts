import path from "node:path";
import { producer, type ProducerBackend } from "@producer/core";
import { warnDeprecated } from "./deprecation.js";
import { LegacyFiles } from "./files.js";
import { describeError } from "./v1/map.js";
import { jobIdOf } from "./v1/ids.js";
import { toRequestStatusObject, toSessionStatusObject } from "./v1/unified-map.js";
import type { AvailableFile, RequestStatusAnswer, SessionStatusError, SessionStatusObject } from "./v1/shapes.js";

export interface LegacyServiceOptions {
  /**
   * The download folder (the earlier `download_path`): songs are copied there once stored, and
   * `get_available_files` / `serve_file` use it. `null` keeps no copies and lists the stored songs instead.
   * Default: `PRODUCER_AI_DOWNLOAD_PATH`, else `./downloads`, as before.
   */
  downloadPath?: string | null;
  /** The `url` prefix of listed files. Default `/api/ai/producer/files`. */
  filesUrlPrefix?: string;
  /** How long a generation call waits for its songs, in seconds. Default 1800. */
  waitTimeoutSecs?: number;
  /** One `DeprecationWarning` per method and process, naming the new call. Default true. */
  deprecationWarnings?: boolean;
}

/** What every earlier service class offered besides generating: files, the session, requests. */
export abstract class LegacyService {
  protected readonly files: LegacyFiles;
  protected readonly waitTimeoutSecs: number;

  constructor(
    protected readonly backend: ProducerBackend = producer,
    private readonly options: LegacyServiceOptions = {},
  ) {
    const downloadPath =
      options.downloadPath === undefined
        ? (process.env.PRODUCER_AI_DOWNLOAD_PATH ?? "./downloads")
        : options.downloadPath;
    this.files = new LegacyFiles(
      backend,
      downloadPath === null ? null : path.resolve(downloadPath),
      options.filesUrlPrefix ?? "/api/ai/producer/files",
    );
    this.waitTimeoutSecs = options.waitTimeoutSecs ?? 1800;
  }

  /** The class name the earlier service used, for warnings. */
  protected abstract readonly legacyName: string;

  protected warn(method: string, replacement: string): void {
    if (this.options.deprecationWarnings !== false) warnDeprecated(`${this.legacyName}.${method}`, replacement);
  }

  /** The audio files of the download folder (or the stored songs, without one), newest first; `[]` on failure. */
  async get_available_files(download_path: string | null = null): Promise<AvailableFile[]> {
    this.warn("get_available_files", "producer.listTracks({ projectId, userId })");
    return this.files.list(download_path).catch(() => []);
  }

  /** A local path holding the file, or null. */
  async serve_file(filename: string, download_path: string | null = null): Promise<string | null> {
    this.warn("serve_file", "producer.listTracks(…) and the track's storage URL");
    return this.files.serve(filename, download_path).catch(() => null);
  }

  async get_session_status(): Promise<SessionStatusObject | SessionStatusError> {
    this.warn("get_session_status", "producer.session()");
    try {
      return toSessionStatusObject(await this.backend.session());
    } catch (error) {
      return { error: describeError(error), is_authenticated: false };
    }
  }

  /** `{ success: true, status }`, or `{ success: false, error: "Request not found" }`. Takes a request or generation id. */
  async get_request_status(request_id: string): Promise<RequestStatusAnswer> {
    this.warn("get_request_status", "producer.getJob(jobId)");
    if (typeof request_id !== "string" || request_id === "") return { success: false, error: "Request not found" };
    try {
      return { success: true, status: toRequestStatusObject(await this.backend.getJob(jobIdOf(request_id))) };
    } catch (error) {
      const code = (error as { code?: unknown })?.code;
      if (code === "NOT_FOUND" || code === "INVALID_INPUT") return { success: false, error: "Request not found" };
      return { success: false, error: describeError(error) };
    }
  }
}
