import { Readable } from "node:stream";
import { Hono, type Context } from "hono";
import type { ProducerConfig } from "@producer/config";
import type { ProducerService } from "@producer/core";
import {
  describeError,
  LegacyFiles,
  nowSeconds,
  ProducerAIMusicClipService,
  ProducerAIService,
  type LegacyServiceOptions,
} from "@producer/legacy-compat";

/** How a FastAPI app answered a body it could not read: 422 with the fields. */
function unprocessable(c: Context, field: string, message: string, type: string): Response {
  return c.json({ detail: [{ loc: ["body", field], msg: message, type }] }, 422);
}

/** A body that is not JSON, or not UTF-8, answered as such: never guessed at. */
class UnreadableBody extends Error {
  constructor(
    readonly status: 400 | 415,
    message: string,
  ) {
    super(message);
  }
}

async function bodyOf(c: Context): Promise<Record<string, unknown> | undefined> {
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength === 0) return undefined;
  if (!/^application\/(.+\+)?json\b/i.test(c.req.header("content-type") ?? "")) {
    throw new UnreadableBody(415, "Send the body as JSON (content-type: application/json).");
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new UnreadableBody(400, "The body is not valid UTF-8.");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A failed generation's status: a full queue is 429 with a Retry-After, as everywhere else; the rest 500. */
function failureAnswer(c: Context, error: string, body: Record<string, unknown>): Response {
  if (error.startsWith("QUEUE_FULL")) return c.json(body, 429, { "retry-after": "5" });
  return c.json(body, 500);
}

const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);

/**
 * The earlier service's HTTP routes, answering its bodies and status codes: `<prefix>/generate` and `<prefix>/files`
 * (the generic router) and `<prefix>/music-clip/*`. Mounted behind the daemon's own token when
 * `daemon.legacyRoutes` is on. `email` / `password` in old bodies are accepted and ignored; no body is ever logged.
 */
export function legacyRoutes(config: ProducerConfig, service: ProducerService): Hono {
  const prefix = config.daemon.legacyPrefix;
  const options: LegacyServiceOptions = {
    downloadPath: null,
    filesUrlPrefix: `${prefix}/files`,
    deprecationWarnings: false,
  };
  const automation = new ProducerAIService(service, options);
  const clips = new ProducerAIMusicClipService(service, options);
  const files = new LegacyFiles(service, null, `${prefix}/files`);
  const routes = new Hono();
  routes.onError((error, c) =>
    error instanceof UnreadableBody
      ? c.json({ detail: error.message }, error.status)
      : c.json({ detail: describeError(error) }, 500),
  );

  // The generic router.
  routes.post("/generate", async (c) => {
    const body = await bodyOf(c);
    if (!body) return unprocessable(c, "prompt", "field required", "value_error.missing");
    if (typeof body.prompt !== "string") return unprocessable(c, "prompt", "field required", "value_error.missing");
    const result = await automation.generate_music(body.prompt, text(body.title));
    if (!result.success) return failureAnswer(c, result.error, { detail: `Music generation failed: ${result.error}` });
    return c.json({
      success: true,
      song_id: result.song_id,
      title: result.title,
      prompt: result.prompt,
      audio_url: result.network_urls[0] ?? null,
      method: result.method,
      timestamp: result.timestamp,
      generation_completed: result.generation_completed,
      download_success: result.download_success,
      downloaded_files: result.downloaded_files,
      download_path: result.download_path,
      network_urls: result.network_urls,
      error: null,
    });
  });
  routes.get("/files", async (c) => c.json({ files: await automation.get_available_files() }));
  routes.get("/files/:filename", async (c) => {
    const audio = await files.open(c.req.param("filename"));
    if (!audio) return c.json({ detail: "File not found" }, 404);
    return c.body(Readable.toWeb(audio.stream) as ReadableStream, 200, {
      "content-type": audio.contentType,
      "content-length": String(audio.track.sizeBytes),
    });
  });

  // The music-clip router.
  const userOf = (c: Context, body: Record<string, unknown> | undefined) =>
    text(c.req.header(config.daemon.legacyUserHeader)) ?? text(body?.user_id);
  const generate = async (c: Context, body: Record<string, unknown>, userId: string) => {
    const result = await clips.generate_music_for_clip({
      prompt: body.prompt as string,
      title: text(body.title),
      is_instrumental: body.is_instrumental === true,
      lyrics: text(body.lyrics),
      project_id: text(body.project_id),
      user_id: userId,
    });
    return result.success ? c.json(result) : failureAnswer(c, result.error, { detail: result.error });
  };
  routes.post("/music-clip/generate", async (c) => {
    const body = await bodyOf(c);
    if (!body || typeof body.prompt !== "string")
      return unprocessable(c, "prompt", "field required", "value_error.missing");
    const userId = userOf(c, body);
    if (!userId) return c.json({ detail: "Not authenticated" }, 401);
    return generate(c, body, userId);
  });
  const sessionStatus = async (c: Context) =>
    c.json({ success: true, status: await clips.get_session_status(), timestamp: nowSeconds() });
  routes.get("/music-clip/status", sessionStatus);
  routes.get("/music-clip/session-status", sessionStatus);
  routes.get("/music-clip/request-status/:request_id", async (c) =>
    c.json(await clips.get_request_status(c.req.param("request_id"))),
  );
  routes.get("/music-clip/test-status", async (c) =>
    c.json({
      success: true,
      message: "ProducerAI music clip service is reachable",
      status: await clips.get_session_status(),
      timestamp: nowSeconds(),
    }),
  );
  routes.post("/music-clip/test-generate", async (c) => {
    const body = (await bodyOf(c)) ?? {};
    const prompt = text(body.prompt) ?? "A short upbeat test tune";
    return generate(
      c,
      { ...body, prompt, project_id: text(body.project_id) ?? "test_project" },
      userOf(c, body) ?? "test_user",
    );
  });
  routes.get("/music-clip/simple-test", (c) =>
    c.json({ success: true, message: "ProducerAI music clip router is working", timestamp: nowSeconds() }),
  );
  return routes;
}
