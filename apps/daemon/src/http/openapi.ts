import { openAIPaths } from "./openai/openapi-paths.js";
import { accountAndPagePaths, legacyPaths } from "./openapi-more-paths.js";
import {
  answers,
  errorResponse,
  errorSchema,
  jobIdParameter as idParameter,
  json,
  queryParameters,
  trackIdParameter,
} from "./openapi-parts.js";
import {
  createGenerationBodySchema,
  createOperationBodySchema,
  libraryQuerySchema,
  listGenerationsQuerySchema,
  listTracksQuerySchema,
  retryBodySchema,
} from "./schemas.js";

/**
 * The daemon's API as OpenAPI 3.1, built from the same zod schemas that validate requests. Every route the app
 * registers has its entry here (`undocumentedRoutes` checks it); the earlier service's routes are in it when
 * they are served (`legacyPrefix`).
 */
export function openApiDocument(version: string, options: { legacyPrefix?: string } = {}): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: { title: "producer daemon", version, description: "Generate music with ProducerAI through a warm browser." },
    components: {
      schemas: {
        Error: errorSchema,
        CreateGeneration: json(createGenerationBodySchema),
        CreateOperation: json(createOperationBodySchema),
        Retry: json(retryBodySchema),
      },
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer" },
        cookie: { type: "apiKey", in: "cookie", name: "producer_token" },
      },
    },
    security: [{ bearer: [] }, { cookie: [] }],
    paths: {
      "/v1/generations": {
        post: {
          summary: "Generate music (queued, or direct with useQueue: false)",
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/CreateGeneration" } } },
          },
          responses: {
            "200": { description: "The job ended within the wait; the tracks are in the answer." },
            "202": { description: "Queued (or still running past the wait)." },
            "400": errorResponse("Invalid body: the code and the failing fields."),
            "409": errorResponse("The idempotency key was used for other input."),
            "413": errorResponse("Body too large."),
            "429": errorResponse("The queue is full; see Retry-After."),
          },
        },
        get: {
          summary: "List jobs",
          parameters: queryParameters(listGenerationsQuerySchema),
          responses: { "200": { description: "A page of jobs." } },
        },
      },
      "/v1/operations": {
        post: {
          summary:
            "Do something to a song that exists: extend, replace, cover, stems, trim, speed, convert or import (a job, queued or direct)",
          description:
            "The source is a trackId of this daemon or a clipId of the account's library. Extend, replace and cover make new songs and cost about a song's credits; convert is free, and so is import. The job is read, followed and retried at /v1/generations/{id}.",
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/CreateOperation" } } },
          },
          responses: {
            "200": { description: "The job ended within the wait; the tracks (with their lineage) are in the answer." },
            "202": { description: "Queued (or still running past the wait)." },
            "400": errorResponse("Invalid body, an unknown track, or a region outside the song: the failing fields."),
            "409": errorResponse("The idempotency key was used for other input."),
            "429": errorResponse("The queue is full; see Retry-After."),
          },
        },
      },
      "/v1/generations/{id}": {
        get: {
          summary: "One job",
          parameters: [idParameter],
          responses: { "200": { description: "The job." }, "404": errorResponse("No such job.") },
        },
        delete: {
          summary: "Cancel a job",
          parameters: [idParameter],
          responses: { "200": { description: "The job, cancelled or stopping." } },
        },
      },
      "/v1/jobs/{id}/retry": {
        post: {
          summary:
            "Run an ended job again: a recoverable one from its submission (nothing paid again); { resubmit: true } submits anew",
          parameters: [idParameter],
          requestBody: {
            required: false,
            content: { "application/json": { schema: { $ref: "#/components/schemas/Retry" } } },
          },
          responses: {
            "200": { description: "The job, queued again." },
            "404": errorResponse("No such job."),
            "409": errorResponse("The job succeeded, has not ended, or needs resubmit (nothing reached the site)."),
          },
        },
      },
      "/v1/generations/{id}/events": {
        get: {
          summary: "Server-Sent Events of the job (event: job) until it ends",
          parameters: [idParameter],
          responses: { "200": { description: "text/event-stream" } },
        },
      },
      ...libraryAndServicePaths(),
      ...uploadPaths(),
      ...lyricsPaths(),
      ...imagePaths(),
      ...accountAndPagePaths(),
      ...openAIPaths(),
      ...(options.legacyPrefix === undefined ? {} : legacyPaths(options.legacyPrefix)),
    },
  };
}

/** The tracks, the queue, the session, MCP, the status page and the health endpoints. */
function libraryAndServicePaths(): Record<string, unknown> {
  return {
    "/v1/tracks": {
      get: {
        summary: "List tracks",
        parameters: queryParameters(listTracksQuerySchema),
        responses: { "200": { description: "A page of tracks." } },
      },
    },
    "/v1/tracks/{id}": {
      get: {
        summary: "One track",
        parameters: [trackIdParameter],
        responses: { "200": { description: "The track." } },
      },
    },
    "/v1/tasks": {
      post: {
        summary: "Run a task that is not a song on the site now: lyrics, an image, a caption, an upload, a rename",
        description:
          "The body is { kind, account?, …the kind's settings }; each kind's settings are checked before anything is sent. Answers { kind, account, result }.",
        responses: {
          "200": { description: "{ kind, account, result }" },
          "400": errorResponse("An unknown kind, or settings the kind does not take: the failing fields."),
        },
      },
    },
    "/v1/describe": {
      post: {
        summary: "What a song holds: the site's caption of it, the lyrics it sings and its model, kept on its tracks",
        description:
          'JSON { trackId | clipId, prompt?, account? }: one caption, one transcribe (little or no cost) and one metadata call on the site. Answers { kind: "song.describe", account, result: { clipId, caption, lyrics, model, trackIds } } (model: the site\'s display name, or null); tracks without a model keep it; GET /v1/tracks?search= then finds the song by caption and lyrics.',
        responses: {
          "200": { description: "{ kind, account, result: { clipId, caption, lyrics, model, trackIds } }" },
          "400": errorResponse("Neither or both of trackId and clipId, or a track with no site clip."),
          "404": errorResponse("The account's library has no such song with finished audio."),
        },
      },
    },
    "/v1/library": {
      get: {
        summary:
          "The account's songs on the site, newest first, each with the track that stores it here (spends nothing)",
        parameters: queryParameters(libraryQuerySchema),
        responses: {
          "200": { description: "{ account, limit, offset, songs: [{ clipId, title, durationSecs, trackId, … }] }" },
          "400": errorResponse("An invalid limit, offset or account."),
          "503": errorResponse("The site could not be listed (no browser, or the account is not run here)."),
        },
      },
    },
    "/v1/tracks/{id}/audio": {
      get: {
        summary: "The track's audio, streamed from storage",
        parameters: [trackIdParameter],
        responses: {
          "200": { description: "The audio bytes (audio/wav, audio/mpeg, audio/mp4)." },
          "404": { description: "No such track, or its object is gone." },
        },
      },
    },
    "/v1/tracks/{id}/image": {
      get: {
        summary: "The cover image made with the track's generation (image: true), streamed from storage",
        parameters: [trackIdParameter],
        responses: {
          "200": { description: "The image bytes (image/jpeg or image/png)." },
          "404": errorResponse(
            "No such track, no cover made for it (the reason, when it failed), or its object is gone.",
          ),
        },
      },
    },
    "/v1/queue": answers("get", "The queue: jobs by status, depth, pause", "The queue."),
    "/v1/queue/jobs": {
      get: {
        summary: "The queued jobs in the order they will run, each with its position",
        parameters: [{ name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200 } }],
        responses: { "200": { description: "{ jobs: Job[] }" } },
      },
    },
    "/mcp": {
      ...answers("post", "The MCP server (Streamable HTTP): the same tools as `producer mcp`", "JSON-RPC over HTTP"),
      ...answers("get", "The MCP server's event stream (Streamable HTTP)", "text/event-stream"),
      delete: { summary: "End an MCP session", responses: { "200": { description: "Ended." } } },
    },
    "/": answers("get", "The status page: queue, jobs, tracks with players, accounts", "text/html"),
    "/v1/session": answers(
      "get",
      "Whether the ProducerAI session is usable (the last check; never opens the site)",
      "The session.",
    ),
    "/v1/session/check": answers("post", "Check the ProducerAI session now (opens the site once)", "The session."),
    "/healthz": answers("get", "Alive", "ok"),
    "/readyz": {
      get: {
        summary: "Ready: browser, session, database, storage",
        responses: { "200": { description: "ready" }, "503": { description: "not ready, with reasons" } },
      },
    },
    "/metrics": answers("get", "Prometheus metrics", "text/plain"),
  };
}

/** One's own audio, uploaded to the site as multipart. */
function uploadPaths(): Record<string, unknown> {
  return {
    "/v1/uploads": {
      post: {
        summary: "Upload one's own audio to the site and wait for its check: the new clip's id",
        description:
          'multipart/form-data: file (WAV, MP3, M4A, FLAC or OGG, told by its first bytes; at most 100 MB), filename?, removeVocals? (true|false: remove vocals the site finds instead of refusing), keepVocals? (true|false: keep them, the site asked to confirm the song; not with removeVocals), account?. Answers { kind: "upload", account, result: { clipId, operationId, hasVocals, hasCidMatch, … } }; the clip is a source for cover, extend and stems.',
        requestBody: {
          required: true,
          content: {
            "multipart/form-data": {
              schema: {
                type: "object",
                required: ["file"],
                properties: {
                  file: { type: "string", format: "binary" },
                  filename: { type: "string" },
                  removeVocals: { type: "string", enum: ["true", "false"] },
                  keepVocals: { type: "string", enum: ["true", "false"] },
                  account: { type: "string" },
                },
              },
            },
          },
        },
        responses: {
          "200": {
            description: "{ kind, account, result: { clipId, operationId, hasVocals, vocalsRemoved, vocalsKept, … } }",
          },
          "400": errorResponse(
            "No file, a file that is no audio, a body over 100 MB, a bad removeVocals or keepVocals, or both true.",
          ),
          "422": errorResponse(
            "UPLOAD_REFUSED: the site refused the file or to keep its vocals (details.reason: protected content, vocals not allowed, lyrics moderation).",
          ),
        },
      },
    },
  };
}

/** Lyrics and the site's models. */
function lyricsPaths(): Record<string, unknown> {
  return {
    "/v1/lyrics": {
      post: {
        summary: "Write lyrics with the site's lyrics tool, or rewrite given lyrics as a prompt asks",
        description:
          'JSON { prompt, lyrics?, account? }: without lyrics, one lyrics__create call (answers { kind: "lyrics.write", account, result: { title, lyrics, lyricsId } }); with lyrics, lyrics__register then lyrics__edit (result { lyrics, lyricsId }). lyricsId is uuid v5 of the text, as the app computes it.',
        responses: {
          "200": { description: "{ kind, account, result: { title?, lyrics, lyricsId } }" },
          "400": errorResponse("A missing prompt, or a field the task does not take."),
        },
      },
    },
    "/v1/models": {
      get: {
        summary: "The site's models, live: kept ten minutes, ?refresh=true asks the site again",
        responses: {
          "200": {
            description:
              '{ kind: "models.list", account, result: { models: [{ name, isDefault }], fetchedAt, ageSecs, cached } }',
          },
        },
      },
    },
  };
}

/** Images: one made with the site's image tool and stored beside the songs. */
function imagePaths(): Record<string, unknown> {
  return {
    "/v1/images": {
      post: {
        summary: "Make an image with the site's image tool and store it beside the songs",
        description:
          'JSON { prompt, aspect?: "1:1" | "16:9" | "9:16", account? }: one image__create_image call (the site may charge for it); the image is fetched, checked to be a JPEG or PNG by its first bytes, and stored. Answers { kind: "image.create", account, result: { key, url, format, sizeBytes, sha256 } }.',
        responses: {
          "200": { description: "{ kind, account, result: { key, url, format, sizeBytes, sha256 } }" },
          "400": errorResponse("A missing prompt, an aspect the site lacks, or a field the task does not take."),
        },
      },
    },
  };
}
